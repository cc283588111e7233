/**
 * Drives the real search box in Chromium: types a query the way a reader does and reads what the
 * results list shows. Shared by the query-set test (test/search/queries.test.ts) and the benchmark
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
