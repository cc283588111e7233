/**
 * Stage 6, permalinks: `queues/backlog.html` is written as `queues/backlog/index.html` and served
 * as `/queues/backlog/`, through @metalsmith/permalinks.
 *
 * Its default pattern does not slugify folder names and its default slugify drops CJK names
 * (FACTS.md), so every path segment goes through one slug function (lib/text.ts) that keeps
 * Unicode letters. Its `duplicates: 'error'` names only one of the two files, so collisions are
 * found first, here, and reported naming both.
 */
import permalinksPlugin from '@metalsmith/permalinks';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import type { Files } from '../lib/page.ts';
import { slugify, slugifyPath, urlFromPermalink } from '../lib/text.ts';

/** The permalink a page will get: slugged folder path plus slugged file name ('' for the home page). */
export function targetPermalink(source: string): string {
  const parts = source.replace(/\.(md|markdown|html)$/i, '').split('/');
  const base = parts.pop()!;
  const dir = slugifyPath(parts.join('/'));
  if (base === 'index') return dir;
  return dir ? `${dir}/${slugify(base)}` : slugify(base);
}

export default function permalinks(ctx: BuildContext): Metalsmith.Plugin {
  const run = permalinksPlugin({
    match: '**/*.html',
    pattern: ':urlDir?/:basename',
    slug: slugifyPath,
    trailingSlash: true,
    duplicates: 'error',
  } as never);
  return function permalinks(files, metalsmith, done) {
    const pages = files as unknown as Files;
    const seen = new Map<string, string>();
    for (const key of Object.keys(pages).sort()) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      const target = targetPermalink(page.source);
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
      const dir = page.source.includes('/') ? page.source.slice(0, page.source.lastIndexOf('/')) : '';
      (page as { urlDir?: string }).urlDir = slugifyPath(dir);
      if (page.isIndex && !dir) page.permalink = false as never; // the home page stays index.html
    }
    run(files, metalsmith, (err?: Error | null) => {
      if (err) return done(err);
      for (const key of Object.keys(pages)) {
        const page = pages[key]!;
        if (!key.endsWith('.html')) continue;
        delete (page as { urlDir?: string }).urlDir;
        page.permalink = targetPermalink(page.source);
        page.url = urlFromPermalink(page.permalink);
      }
      done();
    });
  };
}
