/** `{{env "prod" "cluster"}}`: one value of one environment from site.yml, inline, as text. */
import { escapeHtml } from '../../lib/util/text.ts';
import { HelperUsageError, pageStash, type ContentHelper, type HelperOptions } from '../../lib/templates/helper-types.ts';

const env: Readonly<ContentHelper> = {
  name: 'env',
  usage: '{{env "prod" "cluster"}}',
  maxArgs: 2,
  create(ctx) {
    const envs = ctx.site.environments;
    return function envHelper(...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const [id, field] = args;
      const e = envs.find((x) => x.id === id);
      if (!e) {
        throw new HelperUsageError(`environment "${String(id)}" is not defined in site.yml`, `Use one of: ${envs.map((x) => x.id).join(', ')}, as in ${env.usage}.`, options.loc);
      }
      // Own fields only: `in` also finds what every object inherits ("constructor", "toString"...).
      if (typeof field !== 'string' || !Object.hasOwn(e, field)) {
        throw new HelperUsageError(`environment "${e.id}" has no field "${String(field)}"`, `Use one of: ${Object.keys(e).join(', ')}, as in ${env.usage}.`, options.loc);
      }
      // Held back from Markdown (lib/markdown/shield.ts HtmlStash): a value such as `[x](javascript:...)` or
      // `a | b` must show as typed, not become a link or a table cell.
      return new ctx.hbs.SafeString(pageStash(options).putText(escapeHtml(String(e[field as keyof typeof e]))));
    };
  },
};
export default env;
