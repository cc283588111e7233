/**
 * sitemap: `sitemap.xml` with every page's absolute URL (site.yml `url:`'s origin + the page's URL,
 * which holds the base path), and
 * `robots.txt` pointing at it. No `<lastmod>`: the git dates (plugins/git-dates.ts) depend on the
 * checkout (a shallow CI clone dates every page to HEAD), and the sitemap should be the same file
 * for the same sources wherever it is built; crawlers treat lastmod as optional.
 * Without `url:` in site.yml there is no base to make URLs absolute, so no sitemap is written
 * (robots.txt still is). The 404 page is not listed. Sorted by URL: byte-identical across builds.
 * Reads: page.url of every listed page. Writes: the files `sitemap.xml` and `robots.txt`.
 */
import type Metalsmith from 'metalsmith';
import { originOf, withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files } from '../lib/core/page.ts';
import { escapeHtml } from '../lib/util/text.ts';

/** The sitemap for a site URL and a list of pages (root-relative URLs, base path included). */
export function sitemapXml(siteUrl: string, pages: { url: string }[]): string {
  const root = originOf(siteUrl);
  const rows = [...pages]
    .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0))
    .map((p) => `  <url><loc>${escapeHtml(root + p.url)}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${rows.join('\n')}\n</urlset>\n`;
}

export default function sitemap(ctx: BuildContext): Metalsmith.Plugin {
  return function sitemap(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:sitemap');
    const pages = files as Files;
    const base = ctx.site.url;
    const robots = ['User-agent: *', 'Allow: /'];
    if (base) {
      const list = Object.keys(pages)
        .filter((k) => k.endsWith('.html') && pages[k]!.url && !pages[k]!.generated404 && pages[k]!.unlisted !== 'everywhere')
        .map((k) => ({ url: pages[k]!.url! }));
      files['sitemap.xml'] = { contents: Buffer.from(sitemapXml(base, list)), mode: '0644' };
      robots.push(`Sitemap: ${originOf(base)}${withBase(ctx.base, 'sitemap.xml')}`);
      debug('%d URLs', list.length);
    } else {
      debug('no `url:` in site.yml: no sitemap.xml');
    }
    files['robots.txt'] = { contents: Buffer.from(`${robots.join('\n')}\n`), mode: '0644' };
  };
}
