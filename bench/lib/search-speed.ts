/**
 * Search speed on a benchmark corpus (issue 13), for `npm run bench`:
 *  - index build time: the search stage's own time in a build of the corpus (fresh process);
 *  - first-query bytes: what the browser downloads, compressed, for the first query after the page
 *    loaded (index pieces), plus the page's script bundle that holds the engine;
 *  - time to first result: from pressing `/` and typing the query to the first result on screen,
 *    in Debian's Chromium emulating a phone through the DevTools protocol: 4x CPU slowdown and
 *    "Slow 4G" (Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up);
 *    the same also with DevTools' own "Slow 4G" preset (562.5 ms a request, 1.44 Mbit/s), stricter;
 *  - a later query: bytes it still had to fetch.
 * The site is served by the project's nginx config (gzip on, as published).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium.ts';
import { startNginx } from '../../test/helpers/nginx.ts';
import type { Corpus } from './corpus.ts';
import { ROOT, WORK } from './paths.ts';

export const PROFILES = {
  'slow-4g': { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  'devtools-slow-4g': { latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 },
} as const;

export interface SearchSpeed {
  n: number;
  indexBuildMs: number;
  pieces: number;
  /** Compressed bytes of the page's script bundle (the engine is part of it). */
  bundleBytes: number;
  /** Compressed bytes of index pieces the first query loaded, and how many. */
  firstQueryBytes: number;
  firstQueryRequests: number;
  laterQueryBytes: number;
  /** ms from `/` + typing to the first result, per profile. */
  firstResultMs: Record<keyof typeof PROFILES, number>;
  /** ms in the page from the query typed (its input event) to its first result, per profile. */
  typedToResultMs: Record<keyof typeof PROFILES, number>;
  queries: string[];
}

/** Transferred bytes of the responses seen on a CDP session while `fn` runs. */
async function counting<T>(cdp: CDPSession, fn: () => Promise<T>): Promise<{ value: T; bytes: number; requests: number; urls: string[] }> {
  let bytes = 0;
  let requests = 0;
  const urls = new Map<string, string>();
  const onResponse = (e: { requestId: string; response: { url: string } }) => urls.set(e.requestId, e.response.url);
  const onDone = (e: { requestId: string; encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    requests++;
  };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onDone);
  try {
    const value = await fn();
    await new Promise((r) => setTimeout(r, 200));
    return { value, bytes, requests, urls: [...urls.values()] };
  } finally {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onDone);
  }
}

/** Types q (opened with `/`) and resolves when its first result is on screen; `whole` then resolves when its whole list is. */
async function search(page: Page, q: string): Promise<{ whole: Promise<unknown> }> {
  const quoted = q.replace(/"/g, '\\"');
  await page.keyboard.press('/');
  await page.fill('#search-input', q);
  // data-shown: the best results before their snippets (since 2026-12-02); data-query: the whole list (any revision).
  await page.waitForSelector(`#search-results[data-shown="${quoted}"] [role="option"], #search-results[data-query="${quoted}"] [role="option"]`, { timeout: 60_000 });
  return { whole: page.waitForSelector(`#search-results[data-query="${quoted}"] [role="option"]`, { timeout: 60_000 }) };
}

/**
 * In the page: ms from the input event that set the box to the query, to its first result on screen
 * (a MutationObserver), without the test driver's own work (under 4x CPU slowdown, Playwright's
 * injected script and its checks before fill() take 0.4-1.8 s of the page's main thread).
 */
const IN_PAGE = `
  window.__rsTyped = 0;
  window.__rsFirst = 0;
  document.addEventListener('input', function () { window.__rsTyped = performance.now(); window.__rsFirst = 0; }, true);
  new MutationObserver(function () {
    const list = document.getElementById('search-results');
    const input = document.getElementById('search-input');
    if (!window.__rsFirst && list && input && list.querySelector('[role="option"]') && (list.getAttribute('data-shown') || list.getAttribute('data-query')) === input.value.trim()) window.__rsFirst = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;

/** Builds the corpus once and measures its search. */
export async function measureSearch(code: string, corpus: Corpus): Promise<SearchSpeed> {
  const out = path.join(WORK, `search-site-${corpus.name}`);
  fs.rmSync(out, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [path.join(code, 'scripts', 'run.mjs'), 'bench/run-build.ts', '--root', corpus.dir, '--destination', out], { cwd: code, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`search bench: the build printed no result (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  const built = JSON.parse(line) as { ok: boolean; timings: Record<string, number>; error?: string };
  if (!built.ok) throw new Error(`search bench: the build failed: ${built.error}`);
  const site = fs.realpathSync(out);
  const alerts = JSON.parse(fs.readFileSync(path.join(site, 'alerts.json'), 'utf8')) as Record<string, unknown>;
  const names = Object.keys(alerts).sort();
  const queries = [names[Math.floor(names.length / 2)]!, 'disk latency'];
  const pieces = fs.readdirSync(path.join(site, 'assets', 'search')).length;

  // Redirects are not what is measured here, and nginx -t warns about a map of 1,000+ alert URLs
  // at the config's default map_hash sizes (reported to the owner of deploy/nginx.conf).
  fs.rmSync(path.join(site, '.nginx-redirects.map'), { force: true });
  const nginx = await startNginx(site, path.join(WORK, `search-nginx-${corpus.name}`));
  const browser = await launchChromium();
  const result: SearchSpeed = { n: corpus.n, indexBuildMs: built.timings.search ?? NaN, pieces, bundleBytes: 0, firstQueryBytes: 0, firstQueryRequests: 0, laterQueryBytes: 0, firstResultMs: { 'slow-4g': NaN, 'devtools-slow-4g': NaN }, typedToResultMs: { 'slow-4g': NaN, 'devtools-slow-4g': NaN }, queries };
  try {
    for (const [name, net] of Object.entries(PROFILES) as [keyof typeof PROFILES, (typeof PROFILES)[keyof typeof PROFILES]][]) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await page.addInitScript(IN_PAGE);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...net });
      const load = await counting(cdp, () => page.goto(`${nginx.origin}/`, { waitUntil: 'load' }));
      const bundle = load.urls.findIndex((u) => /\/assets\/site\.[0-9a-f]+\.js$/.test(u));
      // The test driver's script in the page, compiled before the clock starts: under the 4x CPU
      // slowdown the first fill() spent ~0.2 s compiling it, a cost no reader's typing has.
      await page.locator('#search-input').isEditable();
      const t0 = performance.now();
      let ms = 0;
      const first = await counting(cdp, async () => {
        const { whole } = await search(page, queries[0]!);
        ms = performance.now() - t0;
        await whole;
      });
      result.firstResultMs[name] = Math.round(ms);
      result.typedToResultMs[name] = Math.round(await page.evaluate('window.__rsFirst - window.__rsTyped'));
      if (name === 'slow-4g') {
        result.firstQueryBytes = first.bytes;
        result.firstQueryRequests = first.requests;
        result.bundleBytes = bundle >= 0 ? await bundleSize(site) : 0;
        const later = await counting(cdp, async () => (await search(page, queries[1]!)).whole);
        result.laterQueryBytes = later.bytes;
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await nginx.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
  return result;
}

/** gzip -5 size of the page's script bundle, as nginx sends it. */
async function bundleSize(site: string): Promise<number> {
  const { gzipSync } = await import('node:zlib');
  const name = fs.readdirSync(path.join(site, 'assets')).find((f) => /^site\.[0-9a-f]+\.js$/.test(f))!;
  return gzipSync(fs.readFileSync(path.join(site, 'assets', name)), { level: 5 }).length;
}

export function printSearch(r: SearchSpeed): void {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  console.log(
    `N=${r.n} search: index build ${r.indexBuildMs.toFixed(0)} ms (${r.pieces} pieces); first query ${JSON.stringify(r.queries[0])}: ${kb(r.firstQueryBytes)} in ${r.firstQueryRequests} requests + ${kb(r.bundleBytes)} page bundle with the engine; ` +
      `first result on a phone (4x CPU, Slow 4G 150 ms) ${r.firstResultMs['slow-4g']} ms (${r.typedToResultMs['slow-4g']} ms of it from the query typed), with DevTools' Slow 4G preset (562.5 ms) ${r.firstResultMs['devtools-slow-4g']} ms (${r.typedToResultMs['devtools-slow-4g']} ms); later query ${JSON.stringify(r.queries[1])}: ${kb(r.laterQueryBytes)}`,
  );
}

