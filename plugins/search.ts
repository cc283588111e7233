/**
 * search: the site's search index, written as pieces under /assets/search/ that the browser loads
 * only as a query needs them (format and ranking: lib/search/build-index.ts; the browser side:
 * assets/js/search-engine.js). Runs after headings/permalinks/links (final ids and URLs) and
 * before layout, which prints `search.config` into every page's search box. The config (hash and
 * piece counts) comes from the index's input alone, so when the build writes a release the index
 * itself is built on a worker thread while layout and the later stages run, each piece written as
 * it comes; the offline stage waits for them when it reads them back (docs/decisions.md#search-worker).
 *
 * Our own index rather than MiniSearch or Pagefind, because it loads the least for a first query on a
 * phone with no binary and works from file:// (docs/decisions.md#search-engine; cost and speed
 * before/after the second pass: #search-cost). At 1,000 pages, loaded machine, same run:
 *
 *   engine             index build        first query          first result, phone   top-1 alerts
 *   MiniSearch         0.09 s             724 KB               8.4 s                 1 of 22 (site)
 *   Pagefind           4.1 s CPU          113 KB               2.8 s                 200/200 sampled
 *   ours, before       10.0 s wall        39.7 KB, 8 requests  8.5 s                 1000/1000
 *   ours, 2nd pass     5.7 s wall         40.5 KB, 7 requests  7.2 s                 1000/1000
 *   ours, cards        1.2 s wall         40.2 KB, 10 requests 1.71 s (0.60 s typed) 1000/1000
 *   ours, now          0.54-4.0 s in-stage 38.5 KB, 8 requests 4.53 s (1.96 s typed) 1000/1000
 *
 * (Cards row: another run, medians of 3 at load 12-13, where the revision before it took 1.73 s, 1.10 s
 * of it from the query typed: the first result now comes from the card pieces loaded beside the
 * buckets, before the snippets; docs/decisions.md#search-first-result. Last row: medians of 3 at
 * load 20-27, where the revision before took 4.11 s (1.15 s typed), noise larger than any change;
 * index build is now the stage's main-thread share only (0.69 s median): the index is built on a worker
 * while the pages are laid out, the stage keeps only its input's hashing, and an alert's name needs
 * 5 requests in its first round trip, not 7; #search-worker, #search-requests.)
 *
 * Every piece is named `<piece>.<hash>.js`, one hash for the whole index (of its input, its format
 * and the code that builds it): a page always loads the pieces of its own release, and nginx
 * serves them `immutable` like every fingerprinted asset.
 * Piece URLs are relative to the site's own script (never a hard-coded "/"), so a site under a
 * base path and an offline copy opened from file:// find them too.
 * Reads: page.url, page.title, page.section, page.searchSections (else page.contents). Writes: the
 * index pieces (handed to ctx.writer when built on the worker, their `contents` filled in as they
 * come), metadata search; clears page.searchSections.
 */
import crypto from 'node:crypto';
import type Metalsmith from 'metalsmith';
import { stripBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files, Page } from '../lib/core/page.ts';
import { buildSearchIndex, FORMAT, planIndex, type IndexPage } from '../lib/search/build-index.ts';
import { encodeInput } from '../lib/search/index-input.ts';
import { buildIndexInWorker, indexCode, workerAvailable } from '../lib/search/index-worker.ts';
import { splitSections } from '../lib/search/sections.ts';

/** Where the pieces go, relative to the site root. */
export const PIECES_DIR = 'assets/search/';

export interface SearchMetadata {
  /** `v2 <hash> <buckets> <pagesPerChunk> <cardPieces>`: what the browser needs to name the pieces. */
  config: string;
}

/** Section titles above a page, from the folders' index pages. */
function crumbOf(page: Page, indexTitles: Map<string, string>): string {
  const dirs: string[] = [];
  const parts = page.section ? page.section.split('/') : [];
  for (let i = 1; i <= parts.length; i++) dirs.push(parts.slice(0, i).join('/'));
  if (page.isIndex) dirs.pop();
  return dirs
    .map((d) => indexTitles.get(d))
    .filter((t): t is string => !!t)
    .join(' › ');
}

export default function search(ctx: BuildContext): Metalsmith.Plugin {
  const synonyms = Object.entries(ctx.site.search.synonyms).map(([word, same]) => [word, ...same]);
  const teams = new Map(ctx.site.teams.map((t) => [t.id, t.name]));
  return function search(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:search');
    const pages = files as Files;
    const indexTitles = new Map<string, string>();
    for (const page of Object.values(pages)) if (page.isIndex && page.url) indexTitles.set(page.dir, page.title);
    const input: IndexPage[] = [];
    for (const key of Object.keys(pages)) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      if (!page.url || page.generated404 || page.draft || page.unlisted === 'everywhere') continue; // Docusaurus `unlisted`: not searchable
      // Split by the headings stage (and kept in the render cache); here for a page that stage did not see.
      const sections = page.searchSections ?? splitSections(page.contents.toString('utf8'), '');
      page.searchSections = undefined; // used: let the memory go before layout, the peak
      input.push({
        url: (stripBase(ctx.base, page.url) ?? page.url).replace(/^\//, ''), // relative to the base: the browser resolves it
        title: page.title,
        description: page.description,
        crumb: crumbOf(page, indexTitles),
        severity: page.type === 'runbook' ? page.severity : undefined,
        runbook: page.type === 'runbook',
        generated: !!page.generated,
        alerts: page.alerts ?? [],
        services: page.services ?? [],
        team: page.owner ? [page.owner, teams.get(page.owner) ?? ''].filter(Boolean) : [],
        sections: sections.map((s, i) => (i === 0 ? { ...s, heading: '' } : s)),
      });
    }
    // Everything the pages say about the index comes from its input, so they can be laid out while it is built (docs/decisions.md#search-worker).
    const plan = planIndex(input);
    const encoded = encodeInput(input);
    const hash = crypto.createHash('sha256').update(`${FORMAT} ${plan.buckets} ${plan.pagesPerChunk} ${plan.cardPieces}\0${JSON.stringify(synonyms)}\0`);
    for (const code of indexCode()) hash.update(code);
    for (const part of [encoded.shape, encoded.lengths]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    for (const text of encoded.texts) hash.update(text.utf16 ? '\0utf16\0' : '\0utf8\0').update(text.bytes);
    const digest = hash.digest('hex').slice(0, 10);
    const chunks = Math.ceil(input.length / plan.pagesPerChunk);
    const names = [...range('s', plan.buckets), ...range('k', plan.cardPieces), ...range('c', chunks)];
    const meta: SearchMetadata = { config: `${FORMAT} ${digest} ${plan.buckets} ${plan.pagesPerChunk} ${plan.cardPieces}` };
    metalsmith.metadata({ search: meta });
    const writer = ctx.incremental ? undefined : ctx.writer;
    // The dev server too: it serves the pieces once they come, and its pages meanwhile (docs/decisions.md#dev-lazy-layout).
    if ((writer || (ctx.dev && !ctx.incremental)) && workerAvailable()) {
      // Built on a worker while the next stages run; each piece is written when it comes, and the
      // offline stage, reading it back, waits for it (lib/io/write.ts).
      const pieces = buildIndexInWorker(encoded, synonyms, plan);
      for (const name of names) {
        const key = `${PIECES_DIR}${name}.${digest}.js`;
        const file: { contents: Buffer; mode: string; later?: Promise<Buffer> } = { contents: Buffer.alloc(0), mode: '0644' };
        // Filled in when it comes (views of one buffer: the build's result holds them, as it did before).
        file.later = pieces.then((all) => {
          const contents = all.get(name);
          if (!contents) throw new Error(`the search index has no piece ${name}`);
          file.contents = contents;
          return contents;
        });
        // Whoever serves or writes it sees a failure; a run that stops before that must not crash the process.
        file.later.catch(() => undefined);
        files[key] = file as Page;
        writer?.writeWhenReady(key, file.later);
      }
      debug('%d pages: %d pieces on a worker', input.length, names.length);
      return;
    }
    const index = buildSearchIndex(input, { synonyms, plan });
    let bytes = 0;
    for (const name of names) {
      const contents = index.pieces.get(name);
      if (!contents) throw new Error(`the search index has no piece ${name}`);
      bytes += contents.length;
      files[`${PIECES_DIR}${name}.${digest}.js`] = { contents, mode: '0644' };
    }
    debug('%d pages, %d docs, %d terms (%d bytes, %d planned), %d pieces, %d bytes', index.stats.pages, index.stats.docs, index.stats.terms, index.stats.bytes, plan.buckets, index.pieces.size, bytes);
  };
}

/** `s0`, `s1`, ... `s<n-1>`. */
function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
