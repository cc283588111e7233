/**
 * Stage 6, permalinks: `queues/backlog.html` is written as `queues/backlog/index.html` and served
 * as `/queues/backlog/` (under the base path, lib/urls/base.ts: `/infra-runbooks/queues/backlog/`).
 *
 * Every path segment goes through one slug function (lib/util/text.ts) that keeps Unicode letters, and
 * two pages that would get the same URL are reported naming both files.
 * Reads: page.source (the file key, `*.html`). Writes: page.permalink, page.url, page.caseUrl; moves
 * each page to `<permalink>/index.html`.
 *
 * Our own stage, not @metalsmith/permalinks: this stage must compute every target anyway to name
 * both files of a collision, so the plugin only repeated that work (docs/decisions.md#permalinks).
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { isIndexName } from '../lib/nav/conventions.ts';
import type { Files } from '../lib/core/page.ts';
import { slugify, slugifyPath, urlFromPermalink } from '../lib/util/text.ts';

/**
 * The permalink a page will get: slugged folder path plus slugged file name ('' for the home page),
 * lowercase unless `keepCase` (site.yml `url_case: preserve`).
 */
export function targetPermalink(source: string, keepCase = false): string {
  const parts = source.replace(/\.(md|markdown|html)$/i, '').split('/');
  const base = parts.pop()!;
  const dir = slugifyPath(parts.join('/'), keepCase);
  if (isIndexName(`${base}.md`)) return dir; // index.md, _index.md, README.md: the folder's page
  return dir ? `${dir}/${slugify(base, keepCase)}` : slugify(base, keepCase);
}

export default function permalinks(ctx: BuildContext): Metalsmith.Plugin {
  const keepCase = ctx.site.url_case === 'preserve';
  return function permalinks(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:permalinks');
    const pages = files as unknown as Files;
    const seen = new Map<string, string>();
    const moves: [from: string, to: string][] = [];
    for (const key of Object.keys(pages).sort()) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      if (page.source === undefined) {
        // An .html file from src/ itself, not a page: it would be published unsanitized and unchecked.
        const rel = key.split(path.sep).join('/');
        ctx.diagnostics.report(rel, {
          code: 'file/html',
          message: 'this is an HTML file; pages are written in Markdown, and an .html file in src/ is not published',
          hint: 'Rename it to .md (HTML inside Markdown is kept where GitHub allows it), or move it out of src/.',
        });
        delete pages[key];
        continue;
      }
      const target = targetPermalink(page.source, keepCase);
      const other = seen.get(target);
      if (other !== undefined) {
        ctx.diagnostics.report(page.source, {
          code: 'permalink/duplicate',
          message: `this page and ${ctx.diagnostics.displayPath(other)} would both be published at ${urlFromPermalink(target)}`,
          hint: 'Rename one of the two files (URLs ignore case, accents and punctuation).',
        });
        delete pages[key];
        continue;
      }
      seen.set(target, page.source);
      page.permalink = target;
      page.url = withBase(ctx.base, urlFromPermalink(target));
      // Lowercase URLs (the default): the file name's own case leads there too (plugins/redirects.ts),
      // so a runbook_url written after `KubePodCrashLooping.md` keeps working.
      const cased = keepCase ? target : targetPermalink(page.source, true);
      page.caseUrl = cased !== target ? withBase(ctx.base, urlFromPermalink(cased)) : undefined;
      // The home page stays index.html; every other page becomes <permalink>/index.html.
      const out = target ? path.join(...target.split('/'), 'index.html') : 'index.html';
      if (out !== key) moves.push([key, out]);
    }
    // All moves after all targets are known: a page's new name may be another page's old one.
    const moved = moves.map(([from, to]) => [to, pages[from]!] as const);
    for (const [from] of moves) delete pages[from];
    for (const [to, page] of moved) pages[to] = page;
    debug('moved %d pages', moves.length);
  };
}
