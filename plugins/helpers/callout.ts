/**
 * `{{#callout "warning"}}Markdown{{/callout}}`: a note / warning / danger box around Markdown.
 * The box is an HTML block with blank lines inside, so Markdown still renders its content.
 */
import { CALLOUT_KINDS, calloutHtml, type CalloutKind } from '../../lib/markdown/callout.ts';
import { HelperUsageError, pageStash, type ContentHelper, type HelperOptions } from '../../lib/templates/helper-types.ts';

export const KINDS = CALLOUT_KINDS;

const callout: Readonly<ContentHelper> = {
  name: 'callout',
  usage: '{{#callout "warning"}}Text in **Markdown**{{/callout}} (kinds: note, warning, danger; optional title="...")',
  maxArgs: 1,
  create(ctx) {
    return function calloutHelper(this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const kind = args[0] ?? 'note';
      if (typeof options.fn !== 'function') {
        throw new HelperUsageError('`callout` is a block: it needs an opening {{#callout}} and a closing {{/callout}}', `Write: ${callout.usage}`, options.loc);
      }
      // Own keys only: `in` also finds what every object inherits ("constructor", "toString"...).
      if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
        throw new HelperUsageError(`callout kind "${String(kind)}" is not one of: ${Object.keys(KINDS).join(', ')}`, `Write {{#callout "note"}}, {{#callout "warning"}} or {{#callout "danger"}}.`, options.loc);
      }
      const title = options.hash?.title ?? KINDS[kind as CalloutKind];
      const stash = pageStash(options);
      // The box's tags are held back from Markdown, so they reach the page after the author's HTML
      // is sanitized (lib/markdown/sanitize.ts); the body stays Markdown.
      return calloutHtml(kind as CalloutKind, String(title), options.fn(this), undefined, (html) => stash.put(html));
    };
  },
};
export default callout;
