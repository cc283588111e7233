/**
 * Search lands on the runbook (issue 13) on the 1,000-page benchmark corpus (bench/generate.ts),
 * through the real search box in Chromium against the built corpus served by nginx: every alert
 * name, in every style, and every title -> its page first. This site's query set:
 * test/search/queries.test.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../build.ts';
import { generate } from '../../bench/generate.ts';
import { missingTools } from '../e2e/server.ts';
import { alerts, browserAndFolder, first, runAll, serve, show, titles } from './queries-helpers.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

describe.skipIf(!!skipReason)('search query set in Chromium through the search box, benchmark corpus', () => {
  const { browser, tmp } = browserAndFolder('rs-search-bench-');

  it('the 1,000-page benchmark corpus: every alert and every title first', async () => {
    const corpus = path.join(tmp(), 'corpus');
    generate(corpus, 1000);
    const site = path.join(tmp(), 'bench-site');
    await build({ root: corpus, destination: site });
    // Redirects are not under test here, and nginx -t warns about a map of 1,000 alert URLs at the
    // config's default map_hash sizes (deploy/nginx.conf, another issue's).
    await fs.rm(path.join(site, '.nginx-redirects.map'), { force: true });
    const { nginx, page } = await serve(site, tmp(), browser());
    try {
      const alertQueries = (await alerts(site)).map(([q, p]) => ({ q, expect: [p] }));
      expect(alertQueries.length).toBe(1000);
      // Every style of alert name on-call people type: dotted, underscored, CamelCase, kebab-case.
      for (const style of [/^[a-z]+\.[a-z]+\.high\.\d+$/, /^[a-z]+_[a-z]+_high_\d+$/, /^[A-Z][a-z]+[A-Z][a-z]+High\d+$/, /^[a-z]+-[a-z]+-high-\d+$/]) {
        expect(alertQueries.filter((x) => style.test(x.q)).length, `alert names like ${style}`).toBeGreaterThanOrEqual(200);
      }
      const titleQueries = [...(await titles(site))].map(([q, ps]) => ({ q, expect: ps }));
      expect(titleQueries.length).toBeGreaterThan(1000);
      const a = await runAll(page, alertQueries);
      const t = await runAll(page, titleQueries);
      expect(show(a.filter((o) => !first(o))).slice(0, 20), 'alerts not first').toEqual([]);
      expect(show(t.filter((o) => !first(o))).slice(0, 20), 'titles not first').toEqual([]);
    } finally {
      await nginx.stop();
    }
  }, 900_000);
});
