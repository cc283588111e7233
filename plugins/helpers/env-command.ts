/**
 * `{{env-command "aws ecs list-tasks --cluster {cluster}"}}` (or the block form): the same command
 * for every environment, as tabs. `{id}`, `{account}`, `{account_id}`, `{role}`, `{cluster}`,
 * `{region}`, `{bastion}` and `{name}` are filled in from site.yml, so account and cluster names
 * are written once. The reader's choice is applied by assets/js (remembered across pages);
 * production tabs are marked as production.
 *
 * This is Segment's language-picker idea (their `api-example` helper) applied to environments.
 */
import { codeBlock } from '../../lib/markdown/highlight.mjs';
import type { Environment } from '../../lib/core/schema.ts';
import { escapeHtml } from '../../lib/util/text.ts';
import { HelperUsageError, pageStash, type ContentHelper, type HelperOptions } from '../../lib/templates/helper-types.ts';

const FIELD = /\{(id|name|account|account_id|role|cluster|region|bastion)\}/g;

export function fillCommand(command: string, e: Environment): string {
  return command.replace(FIELD, (_, key: keyof Environment) => String(e[key]));
}

/**
 * A declared placeholder is swapped for one private-use character while the command is highlighted
 * (highlight.js could split `{topic}` across tokens), then becomes a span the browser fills from the
 * alert's URL (assets/js/alert-params.js). Without JavaScript it reads `{topic}`, as written.
 */
const SENTINEL = 0xe0a0;
function hideParams(command: string, params: readonly string[]): string {
  return params.length ? command.replace(/\{([a-z][a-z0-9_]*)\}/g, (m, name: string) => (params.includes(name) ? String.fromCharCode(SENTINEL + params.indexOf(name)) : m)) : command;
}
function markParams(html: string, params: readonly string[]): string {
  return params.reduce((out, name, i) => out.split(String.fromCharCode(SENTINEL + i)).join(`<span class="rs-param" data-param="${escapeHtml(name)}">{${escapeHtml(name)}}</span>`), html);
}

const envCommand: Readonly<ContentHelper> = {
  name: 'env-command',
  usage: '{{env-command "aws ecs list-services --cluster {cluster}"}}',
  maxArgs: 1,
  create(ctx) {
    const envs = ctx.site.environments;
    return function envCommandHelper(this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const raw = typeof options.fn === 'function' ? options.fn(this) : args[0];
      if (typeof raw !== 'string' || !raw.trim()) {
        throw new HelperUsageError('`env-command` needs the command to show, in quotes', `Write ${envCommand.usage}, or put a multi-line command between {{#env-command}} and {{/env-command}}.`, options.loc);
      }
      if (!envs.length) {
        throw new HelperUsageError('`env-command` needs environments, and site.yml defines none', 'Add an "environments:" list to site.yml.', options.loc);
      }
      // Other {names} are the runbook's own placeholders (front matter `params:`), which the alert's
      // URL fills in the reader's browser (?topic=api): declared, or a build error at this line.
      const declared = ((options.data?.root ?? {}) as { params?: unknown }).params;
      const params = Array.isArray(declared) ? declared.filter((p): p is string => typeof p === 'string') : [];
      const unknown = [...raw.replace(FIELD, '').matchAll(/\{([a-z][a-z0-9_]*)\}/g)].find((m) => !params.includes(m[1]!));
      if (unknown) {
        throw new HelperUsageError(
          `\`{${unknown[1]}}\` is not an environment field, and this page does not declare it in params:`,
          `Declare it in the front matter, params: [${[...params, unknown[1]].join(', ')}] (the alert's URL fills it: ?${unknown[1]}=...), or use an environment field: {id} {name} {account} {account_id} {role} {cluster} {region} {bastion}.`,
          options.loc,
        );
      }
      const lang = typeof options.hash?.lang === 'string' ? options.hash.lang : 'shell';
      const command = ctx.shield.restore(raw).replace(/^\n+|\s+$/g, '');
      // Ids must be unique on the page and identical between builds: count per rendered page.
      const root = (options.data?.root ?? {}) as { __envTabs?: number };
      const n = (root.__envTabs = (root.__envTabs ?? 0) + 1);
      const tabs = envs
        .map((e, i) => {
          const prod = e.production ? ' <span class="env-tabs__prod">production</span>' : '';
          return `<button type="button" role="tab" class="env-tabs__tab${e.production ? ' is-production' : ''}" id="env-${n}-${e.id}" data-env="${escapeHtml(e.id)}" aria-controls="env-${n}-${e.id}-panel" aria-selected="${i === 0}" tabindex="${i === 0 ? 0 : -1}">${escapeHtml(e.name)}${prod}</button>`;
        })
        .join('');
      const panels = envs
        .map((e, i) => {
          const warn = e.production ? `<p class="env-tabs__warning" role="note">Production: account ${escapeHtml(e.account)} (${escapeHtml(e.account_id)}). Double-check before you run this.</p>` : '';
          return `<div class="env-tabs__panel${e.production ? ' is-production' : ''}" role="tabpanel" id="env-${n}-${e.id}-panel" aria-labelledby="env-${n}-${e.id}" data-env="${escapeHtml(e.id)}"${i === 0 ? ' data-default' : ''} tabindex="0">${warn}${markParams(codeBlock(hideParams(fillCommand(command, e), params), lang), params)}</div>`;
        })
        .join('');
      const html = `<div class="env-tabs" data-env-tabs><div class="env-tabs__list" role="tablist" aria-label="Environment">${tabs}</div>${panels}</div>`;
      // Only the placeholder: written on its own line it becomes a paragraph Markdown keeps in place
      // (inside a list item too, when indented), and the markdown stage swaps it for the tabs.
      return new ctx.hbs.SafeString(pageStash(options).put(html));
    };
  },
};
export default envCommand;
