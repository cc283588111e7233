/**
 * The sections stage alone. One folder with tens of thousands of pages must not cost the square of
 * its size: @metalsmith/collections looked every collected file up in the whole file list
 * (patches/@metalsmith+collections+2.0.0.patch makes those lookups maps).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TSX } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

describe('sections stage', () => {
  it('orders 20,000 pages in one folder in bounded time (child process, 60 s limit)', () => {
    const r = spawnSync(TSX, [path.join(ROOT, 'test/sections/one-big-folder.ts'), '20000', tempDir('sections-')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error, 'the stage did not finish within 60 s').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { seconds: number; first: string[]; last: string[]; count: number };
    // Pages are named in reverse of their numbers: the order comes from the sorter (numbers as numbers).
    expect(out).toMatchObject({ count: 20000, first: ['Page 1', 'Page 2', 'Page 3'], last: ['Page 19998', 'Page 19999', 'Page 20000'] });
  });
});
