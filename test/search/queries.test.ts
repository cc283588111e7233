/**
 * Search lands on the runbook (issue 13), proven through the real search box in Chromium against the
 * built site served by nginx:
 *  - every alert in alerts.json -> its runbook first;
 *  - every page title (the <h1> of each built page) -> that page first;
 *  - the realistic on-call queries in test/search/queries.json: at least 95% first, all in the top 3.
 * The same on the 1,000-page benchmark corpus: test/search/queries-bench.test.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingTools } from '../e2e/server.ts';
import { sharedSite } from '../helpers/shared-site.ts';
import { alerts, browserAndFolder, first, runAll, serve, show, titles, top3, type Query } from './queries-helpers.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

describe.skipIf(!!skipReason)('search query set in Chromium through the search box', () => {
  const { browser, tmp } = browserAndFolder('rs-search-');

  it('the site: every alert and every title first; on-call queries >= 95% first, all in the top 3', async () => {
    // The run's one build of this site, served unchanged (test/helpers/shared-site.ts).
    const { site } = await sharedSite();
    const { nginx, page } = await serve(site, tmp(), browser());
    try {
      const alertQueries = (await alerts(site)).map(([q, p]) => ({ q, expect: [p] }));
      expect(alertQueries.length).toBeGreaterThan(15);
      const titleQueries = [...(await titles(site))].map(([q, ps]) => ({ q, expect: ps }));
      expect(titleQueries.length).toBeGreaterThan(40);
      const set = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'queries.json'), 'utf8')) as { queries: Query[] };
      expect(set.queries.length).toBeGreaterThanOrEqual(40);
      const realistic = set.queries.map((x) => ({ q: x.q, expect: [x.expect, ...(x.also ?? [])] }));

      const a = await runAll(page, alertQueries);
      const t = await runAll(page, titleQueries);
      const r = await runAll(page, realistic);
      expect(show(a.filter((o) => !first(o))), 'alerts not first').toEqual([]);
      expect(show(t.filter((o) => !first(o))), 'titles not first').toEqual([]);
      const misses = r.filter((o) => !first(o));
      if (process.env.RS_SEARCH_VERBOSE) console.log(show(misses).join('\n'));
      expect(show(r.filter((o) => !top3(o))), 'on-call queries not in the top 3').toEqual([]);
      expect(misses.length / r.length, `on-call queries not first:\n${show(misses).join('\n')}`).toBeLessThanOrEqual(0.05);
    } finally {
      await nginx.stop();
    }
  }, 300_000);
});
