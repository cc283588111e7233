/**
 * Redirects stage (after layout, so the redirect pages get no layout, search entry or sitemap line):
 * - every alert a runbook lists gets its permanent URL `/alerts/<name>/` (lib/alerts/urls.ts), and
 *   the lowercase form, as a redirect page to its runbook;
 * - a page whose file name has capitals (`KubePodCrashLooping.md`) is reached at that case too,
 *   when URLs are lowercase (site.yml `url_case`, the default);
 * - every `aliases:` entry of a page (its old URLs) becomes a redirect page to it;
 * - `.nginx-redirects.map` holds the same list for deploy/nginx.conf, which answers them with 301;
 * - `urls.json` lists every published URL (pages with source, title and alerts; redirects), which
 *   the next build compares with (plugins/url-history.ts) so no URL vanishes by accident.
 * An alias that is a live page's URL, an alias two pages claim, or a permanent alert URL that a page
 * already uses fails the build naming both files.
 * Reads: metadata alerts, page.url, page.caseUrl, page.aliases. Writes: redirect pages,
 * `.nginx-redirects.map`, `urls.json`.
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { alertUrl, alertUrlLower, publicUrl } from '../lib/alerts/urls.ts';
import { stripBase, withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files, Page } from '../lib/core/page.ts';
import { nginxMap, REDIRECT_SCRIPT_FILE, REDIRECT_SCRIPT_JS, redirectPage, type Redirect } from '../lib/urls/redirects.ts';
import { URL_LIST_FILE, type UrlList } from '../lib/urls/history.ts';
import { FrontMatterLines } from '../lib/alerts/lines.ts';

export const NGINX_MAP_FILE = '.nginx-redirects.map';

/**
 * An alias as written (`/queues/old-name/`, `queues/old-name`, `/old.html`) as a root-relative URL,
 * or a reason it cannot be one.
 */
export function normalizeAlias(written: string): { url: string } | { problem: string } {
  const a = written.trim();
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(a)) return { problem: `the alias "${a}" is a full address; an alias is a path of this site, like /queues/old-name/` };
  if (/[?#]/.test(a)) return { problem: `the alias "${a}" has a query or #anchor; an alias is a path only` };
  const parts = a.split('/').filter(Boolean);
  if (!parts.length) return { problem: 'an alias cannot be the home page' };
  if (parts.some((p) => p === '.' || p === '..' || p.startsWith('.'))) return { problem: `the alias "${a}" has a part starting with "."` };
  const joined = parts.join('/');
  const url = /\.html?$/i.test(joined) ? `/${joined}` : `/${joined}/`;
  return { url: encodeURI(safeDecode(url)) };
}

function safeDecode(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

/** The file a redirect at `url` is written to. */
function fileFor(url: string): string {
  const p = safeDecode(url).replace(/^\/+/, '');
  return (p.endsWith('/') ? `${p}index.html` : p).split('/').join(path.sep);
}

export default function redirects(ctx: BuildContext): Metalsmith.Plugin {
  return function redirects(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:redirects');
    if (ctx.incremental) return; // the dev server re-rendered a few pages: the last full run's redirects stand
    const pages = files as Files;
    const meta = metalsmith.metadata() as { alerts?: Map<string, Page> };
    const live = new Map<string, Page>();
    for (const key of Object.keys(pages)) {
      const p = pages[key]!;
      if (key.endsWith('.html') && p.url && !p.generated404) live.set(p.url, p);
    }
    /** `from` as browsers request it (base path included); `site`: the same without the base, where the file goes. */
    const list: (Redirect & { site: string; owner: Page; line: number })[] = [];
    const claimed = new Map<string, { owner: Page; line: number; what: string }>();
    const where = (p: Page) => ctx.diagnostics.displayPath(p.source);
    const lines = new FrontMatterLines();

    // Permanent alert URLs, exact case first, then the lowercase forms that no exact one took.
    const alerts = [...(meta.alerts ?? new Map<string, Page>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const lower of [false, true]) {
      for (const [name, page] of alerts) {
        const site = lower ? alertUrlLower(name) : alertUrl(name);
        const from = withBase(ctx.base, site);
        const line = lines.alertLine(page, name);
        if (claimed.has(from)) continue;
        const clash = live.get(from);
        if (clash) {
          if (!lower) {
            ctx.diagnostics.report(page.source, {
              code: 'redirect/alert-clash',
              line,
              message: `the permanent URL ${from} of alert "${name}" is already the address of ${where(clash)}`,
              hint: `Move or rename ${where(clash)}: /alerts/<name>/ is kept for alert links.`,
            });
          }
          continue;
        }
        claimed.set(from, { owner: page, line, what: `the permanent URL of alert "${name}"` });
        list.push({ from, site, to: page.url!, title: page.title, owner: page, line });
      }
    }

    // The file name's own case (`/alerts/KubePodCrashLooping/`) when URLs are lowercase (site.yml url_case).
    for (const page of Object.values(pages).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
      if (!page.caseUrl || !page.url || live.has(page.caseUrl) || claimed.has(page.caseUrl)) continue;
      claimed.set(page.caseUrl, { owner: page, line: 1, what: 'the address with the file name\'s letter case' });
      list.push({ from: page.caseUrl, site: stripBase(ctx.base, page.caseUrl) ?? page.caseUrl, to: page.url, title: page.title, owner: page, line: 1 });
    }

    // Aliases: old URLs of a page.
    for (const page of Object.values(pages).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
      if (!page.aliases?.length || !page.url) continue;
      page.aliases.forEach((written, i) => {
        const line = lines.lineOf(page, ['aliases', i]);
        const n = normalizeAlias(written);
        if ('problem' in n) {
          ctx.diagnostics.report(page.source, { code: 'redirect/alias-invalid', line, message: n.problem, hint: 'Write the old address as a path, like /queues/old-name/.' });
          return;
        }
        const from = withBase(ctx.base, n.url);
        const clash = live.get(from);
        if (clash) {
          const self = clash === page;
          ctx.diagnostics.report(page.source, {
            code: 'redirect/alias-live',
            line,
            message: self ? `the alias ${n.url} is this page's own address` : `the alias ${n.url} is the address of a live page, ${where(clash)}`,
            hint: self ? 'Remove it: a page needs no alias for its own URL.' : `Remove the alias, or move ${where(clash)} first: a URL leads to one page.`,
          });
          return;
        }
        const other = claimed.get(from);
        if (other) {
          ctx.diagnostics.report(page.source, {
            code: 'redirect/alias-duplicate',
            line,
            message: `the alias ${n.url} is also ${other.what} in ${where(other.owner)}:${other.line}`,
            hint: 'An old URL can lead to one page only: keep the alias on the page that replaced it.',
          });
          return;
        }
        claimed.set(from, { owner: page, line, what: 'an alias' });
        list.push({ from, site: n.url, to: page.url!, title: page.title, owner: page, line });
      });
    }

    const script = withBase(ctx.base, REDIRECT_SCRIPT_FILE);
    if (list.length) files[REDIRECT_SCRIPT_FILE.split('/').join(path.sep)] = { contents: Buffer.from(REDIRECT_SCRIPT_JS), mode: '0644' };
    for (const r of list) {
      const html = redirectPage(r, { script, canonical: publicUrl(ctx.site.url, r.to) });
      files[fileFor(r.site)] = { contents: Buffer.from(html), mode: '0644' };
    }
    if (list.length) files[NGINX_MAP_FILE] = { contents: Buffer.from(nginxMap(list, live.keys())), mode: '0644' };

    // Site paths, without the base path: a preview and the live site compare alike.
    const sitePath = (url: string) => stripBase(ctx.base, url) ?? url;
    const urlList: UrlList = {
      generator: 'runbook-smith',
      pages: [...live.values()]
        .filter((p) => !p.generated)
        .map((p) => ({ url: sitePath(p.url!), source: p.source, title: p.title, ...(p.alerts?.length ? { alerts: p.alerts } : {}) }))
        .sort((a, b) => (a.url < b.url ? -1 : 1)),
      redirects: Object.fromEntries(list.map((r) => [r.site, sitePath(r.to)]).sort(([a], [b]) => (a! < b! ? -1 : 1))),
    };
    files[URL_LIST_FILE] = { contents: Buffer.from(`${JSON.stringify(urlList, null, 1)}\n`), mode: '0644' };
    debug('%d redirects', list.length);
  };
}
