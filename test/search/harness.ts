/**
 * Drives the real search box in Chromium: types a query the way a reader does and reads what the
 * results list shows. Shared by the query-set tests (test/search/queries-helpers.ts) and the benchmark
 * (bench/search.ts).
 */
import type { Page } from 'playwright-core';

export interface Shown {
  /** Page paths of the grouped results, best first (site-relative, no anchor). */
  pages: string[];
  /** The first option's link (with its anchor). */
  first?: string;
  status: string;
}

/** Types `query` into the search box (opened with `/`) and waits until the list shows its results. */
export async function ask(page: Page, query: string, base = '/'): Promise<Shown> {
  const focused = await page.evaluate(() => document.activeElement?.id === 'search-input');
  if (!focused) await page.keyboard.press('/');
  await page.fill('#search-input', query);
  await page.waitForFunction(
    (q) => document.getElementById('search-results')?.getAttribute('data-query') === q || /unavailable/.test(document.getElementById('search-status')?.textContent ?? ''),
    query,
    { timeout: 30_000 },
  );
  // No named functions inside evaluate: tsx would wrap them in a helper the page does not have.
  const shown = await page.evaluate(() => {
    const heads = Array.from(document.querySelectorAll<HTMLAnchorElement>('#search-results .search__result--page'), (a) => a.href);
    const first = document.querySelector<HTMLAnchorElement>('#search-results [role="option"]')?.href;
    return { heads, first, status: document.getElementById('search-status')?.textContent ?? '' };
  });
  const root = new URL(base, page.url()).pathname;
  const strip = (href: string) => '/' + new URL(href).pathname.slice(root.length);
  return { pages: shown.heads.map(strip), first: shown.first ? strip(shown.first) + new URL(shown.first).hash : undefined, status: shown.status };
}

/**
 * Asks many queries through the same box, each typed as `ask` does (the input's value set and an
 * input event fired, as fill() does) and read back once the list shows it, but driven from inside the
 * page: one round trip to the browser per batch instead of four per query. Several tabs share the
 * list, so the search's typing pause of each tab overlaps the others'.
 */
export async function askAll(pages: Page[], queries: string[], base = '/'): Promise<Shown[]> {
  // A string, not a function: the test's TypeScript loader would wrap a function in a helper the page does not have.
  const driver = (batch: string[]) => `(async (batch) => {
    const input = document.getElementById('search-input');
    const out = [];
    for (const q of batch) {
      input.focus();
      input.value = q;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const started = Date.now();
      for (;;) {
        const list = document.getElementById('search-results');
        if (list && list.getAttribute('data-query') === q) break;
        if (/unavailable/.test(document.getElementById('search-status')?.textContent ?? '')) break;
        if (Date.now() - started > 30000) throw new Error('no results shown for ' + JSON.stringify(q));
        await new Promise((r) => setTimeout(r, 5));
      }
      const heads = Array.from(document.querySelectorAll('#search-results .search__result--page'), (a) => a.href);
      const first = document.querySelector('#search-results [role="option"]')?.href;
      out.push({ heads, first, status: document.getElementById('search-status')?.textContent ?? '' });
    }
    return out;
  })(${JSON.stringify(batch)})`;
  for (const page of pages) {
    if (!(await page.evaluate(() => document.activeElement?.id === 'search-input'))) await page.keyboard.press('/');
  }
  const slices = pages.map((_, i) => queries.filter((__, j) => j % pages.length === i));
  const shown = await Promise.all(pages.map((page, i) => page.evaluate(driver(slices[i]!)) as Promise<{ heads: string[]; first?: string; status: string }[]>));
  const root = new URL(base, pages[0]!.url()).pathname;
  const strip = (href: string) => '/' + new URL(href).pathname.slice(root.length);
  const byQuery: Shown[] = new Array(queries.length);
  shown.forEach((list, i) => list.forEach((x, k) => {
    byQuery[k * pages.length + i] = { pages: x.heads.map(strip), first: x.first ? strip(x.first) + new URL(x.first).hash : undefined, status: x.status };
  }));
  return byQuery;
}
