/**
 * search: a static search index, one entry per h2 section (page title, section heading + anchor
 * URL, section text), so a result names the section it matched and links straight to it. Runs
 * after headings/permalinks/links (final ids and URLs) and before layout (page bodies only, no
 * navigation chrome). The browser (assets/site.js) loads it lazily, on the first focus of the
 * search box or the first `/`.
 *
 * ENGINE, chosen by measurement (this machine: 2 cores, Node 20, Debian Chromium; "1k"/"10k" are
 * the real pages copied per section, and bench/generate.ts corpora for the build-stage times;
 * bytes are what nginx sends with gzip level 5, for the first query and its first results):
 *
 *                                            51 pages        ~1,000 pages      ~10,000 pages
 *   (a) index build time
 *     MiniSearch, browser indexes (chosen)     8 ms            94 ms            ~0.6 s
 *     MiniSearch, index prebuilt + stored    146 ms         1,136 ms            ~11 s (extrapolated)
 *     Pagefind 1.6 (addHTMLFile + write)     296 ms         2,676 ms            23.2 s
 *   (b) first query, bytes downloaded
 *     MiniSearch, browser indexes (chosen)    56 KB, 2 req   724 KB, 2 req      6.7 MB, 2 req
 *     MiniSearch, index prebuilt             ~99 KB          >1 MB               -
 *     Pagefind                              129 KB, 16 req  108 KB, 16 req     160 KB, 16 req
 *   time to first results in Chromium (index download + indexing, loopback)
 *     MiniSearch, browser indexes (chosen)    0.4 s           1.3 s              7.2 s
 *     Pagefind                                0.3 s           0.4 s              0.6 s
 *
 * Choice: MiniSearch, with the browser building the index from a compact JSON of sections.
 * The whole build must stay well under 8 s at 10,000 pages, and Pagefind's indexing alone takes
 * 23 s there (2.7 s at 1,000); a prebuilt MiniSearch index ~11 s. Writing the sections JSON is
 * the cheapest index step there is (one regex pass per page + JSON.stringify: ~0.6 s at 10,000
 * pages), needs no native binary in CI, and for today's 51 pages it is also the smaller download
 * (56 KB in 2 requests against Pagefind's 129 KB in 16). Its cost is on the reader's side and
 * grows with the site: 0.7 MB at 1,000 pages, 6.7 MB plus seconds of indexing at 10,000. It is
 * loaded only when the reader starts a search, fetched once per release (fingerprinted, below),
 * and indexed in chunks (addAllAsync) so the page stays responsive. Past a few thousand pages,
 * split the index, or run Pagefind as a separate post-build step off the critical path: the
 * section records below are what its addCustomRecord takes.
 *
 * CACHING: the index is FINGERPRINTED (`/assets/search-index.<hash>.json`, served `immutable` by
 * deploy/nginx.conf), like the engine script, and each page names its index in a data attribute.
 * A page therefore always gets the index of its own release (no page of release N querying
 * release N+1's index mid-deploy, whose anchors may differ), and a reader downloads it once per
 * release instead of revalidating it on every page (no-cache would cost a round trip per page).
 * The HTML itself is no-cache, so a new release's pages point at the new index at once.
 *
 * Output is deterministic: pages sorted by URL, no timestamps, stable key order.
 *
 * Index format (v1): { "v": 1, "pages": [[url, title], ...], "sections": [[pageIndex, anchor, heading, text], ...] }
 * (anchor "" = the page itself: its title and the text before the first h2; every page has one).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { withBase } from '../lib/base.ts';
import type { BuildContext } from '../lib/context.ts';
import type { Files } from '../lib/page.ts';
import { splitSections, type SearchSection } from '../lib/search-sections.ts';
import { fingerprint, type AssetMap } from '../lib/fingerprint.ts';

export interface SearchIndex {
  v: 1;
  pages: [url: string, title: string][];
  sections: [page: number, anchor: string, heading: string, text: string][];
}

/** Asset names the layout looks up: `{{lookup assets "search-index.json"}}`. */
export const INDEX_ASSET = 'search-index.json';
export const ENGINE_ASSET = 'minisearch.js';

/**
 * The index for a set of pages (any order in, sorted by URL out). A page's sections may come ready
 * (`sections`, split with an empty title by an earlier build: lib/render-cache.ts) instead of `html`.
 */
export function buildIndex(pages: { url: string; title: string; html?: string; sections?: SearchSection[] }[]): SearchIndex {
  const sorted = [...pages].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const index: SearchIndex = { v: 1, pages: [], sections: [] };
  sorted.forEach((p, i) => {
    index.pages.push([p.url, p.title]);
    const sections = p.sections ? p.sections.map((s, n) => (n === 0 ? { ...s, heading: p.title } : s)) : splitSections(p.html ?? '', p.title);
    for (const s of sections) index.sections.push([i, s.anchor, s.heading, s.text]);
  });
  return index;
}

/** MiniSearch's browser build (UMD, defines `window.MiniSearch`), without its source-map comment. */
function engineSource(): Buffer {
  // The package's "exports" hide dist/umd: find the package root from its main entry.
  const require = createRequire(import.meta.url);
  const main = require.resolve('minisearch');
  const file = path.join(main.slice(0, main.lastIndexOf(`${path.sep}dist${path.sep}`)), 'dist', 'umd', 'index.js');
  return Buffer.from(fs.readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}

export default function search(ctx: BuildContext): Metalsmith.Plugin {
  return function search(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:search');
    const pages = files as unknown as Files;
    const entries: Parameters<typeof buildIndex>[0] = [];
    for (const key of Object.keys(pages)) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      if (!page.url || page.generated404 || page.draft || page.unlisted === 'everywhere') continue; // Docusaurus `unlisted`: not searchable
      // Split by the headings stage (and kept in the render cache); here for a page that stage did not see.
      if (page.searchSections) entries.push({ url: page.url, title: page.title, sections: page.searchSections });
      else entries.push({ url: page.url, title: page.title, html: page.contents.toString('utf8') });
      page.searchSections = undefined; // used: let the memory go before layout, the peak
    }
    const index = buildIndex(entries);
    const json = Buffer.from(JSON.stringify(index));
    const meta = metalsmith.metadata() as { assets?: AssetMap };
    const assets: AssetMap = { ...(meta.assets ?? {}) };
    for (const [name, contents] of [
      [INDEX_ASSET, json],
      [ENGINE_ASSET, engineSource()],
    ] as const) {
      const out = `assets/${fingerprint(name, contents)}`;
      files[out] = { contents, mode: '0644' };
      assets[name] = withBase(ctx.base, out);
    }
    metalsmith.metadata({ assets });
    debug('%d pages, %d sections, %d bytes', index.pages.length, index.sections.length, json.length);
  };
}
