/**
 * Stage 6, permalinks: `queues/backlog.html` is written as `queues/backlog/index.html` and served
 * as `/queues/backlog/` (under the base path, lib/urls/base.ts: `/infra-runbooks/queues/backlog/`).
 *
 * `@metalsmith/permalinks` moves the pages, with the page's source path as its pattern and, as its
 * slug function, every path segment through one slug (lib/util/text.ts) that keeps Unicode letters.
 * Two pages that would get the same URL are found first, so the error names both files and every
 * collision is reported at once (docs/decisions.md#permalinks).
 * Reads: page.source (the file key, `*.html`). Writes: page.permalink, page.url, page.caseUrl; moves
 * each page to `<permalink>/index.html`.
 */
import path from 'node:path';
import metalsmithPermalinks from '@metalsmith/permalinks';
import type Metalsmith from 'metalsmith';
import { withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { RunbookSmithError } from '../lib/core/errors.ts';
import { isIndexName } from '../lib/nav/conventions.ts';
import type { Files, Page } from '../lib/core/page.ts';
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

/**
 * The plugin's slug for a page's source path. The plugin takes a last segment `index` for its
 * folder's page; `/.` keeps a page whose own name slugs to `index` (`index/index.md`, `Index!.md`)
 * at its own address.
 */
function pluginSlug(keepCase: boolean): (source: string) => string {
  return function slug(source) {
    const target = targetPermalink(source, keepCase);
    return target === 'index' || target.endsWith('/index') ? `${target}/.` : target;
  };
}

/**
 * The plugin's duplicates handler: collisions were reported before it ran, so one here is a bug in
 * this stage; it still names both files.
 */
function sameTarget(target: string, files: Files, key: string): string | Error {
  const out = path.join(target, 'index.html');
  const other = files[out];
  if (other && other !== files[key]) return new RunbookSmithError(`permalinks: ${files[key]!.source} and ${other.source} both moved to ${out}`);
  return out;
}

function runPlugin(plugin: Metalsmith.Plugin, files: Files, metalsmith: Metalsmith): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    plugin(files, metalsmith, done);
  });
}

export default function permalinks(ctx: BuildContext): Metalsmith.Plugin {
  const keepCase = ctx.site.url_case === 'preserve';
  const move = metalsmithPermalinks({
    match: '**/*.html',
    // `:source?`: optional, because the home page's slug is '' (it stays index.html).
    pattern: ':source?',
    slug: pluginSlug(keepCase),
    duplicates: sameTarget,
  });
  return async function permalinks(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:permalinks');
    const pages = files as Files;
    const seen = new Map<string, string>();
    const keys: string[] = [];
    const toMove: Files = {};
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
      keys.push(key);
      toMove[key] = page;
    }
    await runPlugin(move, toMove, metalsmith);
    const outOf = new Map<Page, string>();
    for (const [out, page] of Object.entries(toMove)) outOf.set(page, out);
    const moves: [from: string, to: string][] = [];
    for (const key of keys) {
      const page = pages[key]!;
      const permalink = page.permalink!;
      page.url = withBase(ctx.base, urlFromPermalink(permalink));
      // Lowercase URLs (the default): the file name's own case leads there too (plugins/redirects.ts),
      // so a runbook_url written after `KubePodCrashLooping.md` keeps working.
      const cased = keepCase ? permalink : targetPermalink(page.source, true);
      page.caseUrl = cased !== permalink ? withBase(ctx.base, urlFromPermalink(cased)) : undefined;
      const out = outOf.get(page)!;
      if (out !== key) moves.push([key, out]);
    }
    // Pages that stay keep their place among the files; moved ones follow in path order, as later stages list them.
    const moved = moves.map(([from, to]) => [to, pages[from]!] as const);
    for (const [from] of moves) delete pages[from];
    for (const [to, page] of moved) pages[to] = page;
    debug('moved %d pages', moves.length);
  };
}
