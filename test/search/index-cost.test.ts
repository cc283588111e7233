/**
 * The search index's build cost at 10,000 pages (issue 13): the index must not hold per-document
 * maps (they took the 10,000-page build's peak memory from 487 MB to 1.16 GB). A child process
 * builds the index of 10,000 generated pages (test/search/index-cost.ts) and reports how much its
 * peak memory grew; the limit is generous (the per-document maps grew it by ~650 MB). Build time is
 * measured by the benchmark (`npm run bench`, bench/lib/search-speed.ts), not here.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TSX } from '../helpers/cli.ts';

describe('search index build cost', () => {
  it('indexes 10,000 pages with at most 400 MB more peak memory (child process, 180 s limit)', () => {
    const r = spawnSync(TSX, ['--expose-gc', path.join(ROOT, 'test/search/index-cost.ts'), '10000'], { encoding: 'utf8', timeout: 180_000 });
    expect(r.error, 'the index was not built within 180 s').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pages: number; docs: number; holdsAlert: boolean; growthMB: number };
    expect(out).toMatchObject({ pages: 10000, docs: 60000, holdsAlert: true });
    expect(out.growthMB, `peak memory grew by ${out.growthMB} MB while indexing`).toBeLessThanOrEqual(400);
  }, 200_000);
});
