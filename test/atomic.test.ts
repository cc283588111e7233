/**
 * What is never lost: a reader of build/ during a build never misses a page or reads half of one,
 * and two builds of the same input are byte-identical.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { BUILD_CLI, ROOT } from './helpers/cli.ts';
import { readTree, tempDir } from './helpers/fixtures.ts';

describe('atomic output', () => {
  it('a reader polling build/ during a successful build never misses a page or sees half of one', async () => {
    const dest = path.join(tempDir('atomic-'), 'site');
    await build({ root: ROOT, destination: dest });
    const pages = [...readTree(dest).keys()].filter((f) => f.endsWith('.html'));
    const firstTarget = fs.readlinkSync(dest);

    const child = spawn(process.execPath, [...BUILD_CLI, '--destination', dest], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));

    let reads = 0;
    const failures: string[] = [];
    const seenTargets = new Set<string>();
    // Bounded: stops when the build exits, or after 60 s at most.
    const deadline = Date.now() + 60_000;
    while (!done && Date.now() < deadline) {
      for (const page of pages) {
        try {
          const html = await fs.promises.readFile(path.join(dest, page), 'utf8');
          if (!html.trimEnd().endsWith('</html>')) failures.push(`${page}: incomplete (${html.length} bytes)`);
        } catch (err) {
          failures.push(`${page}: ${(err as NodeJS.ErrnoException).code}`);
        }
        reads++;
      }
      seenTargets.add(fs.readlinkSync(dest));
    }
    expect(await exited).toBe(0);
    seenTargets.add(fs.readlinkSync(dest));
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(pages.length * 3);
    // The switch happened while we were reading: both the old and the new release were seen.
    expect(seenTargets.has(firstTarget)).toBe(true);
    expect(seenTargets.size).toBeGreaterThanOrEqual(2);
  });
});

describe('determinism', () => {
  it('two builds of the same input produce byte-identical trees', async () => {
    const a = path.join(tempDir('det-a-'), 'site');
    const b = path.join(tempDir('det-b-'), 'site');
    await build({ root: ROOT, destination: a });
    await build({ root: ROOT, destination: b });
    const ta = readTree(a);
    const tb = readTree(b);
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    const differing = [...ta].filter(([k, v]) => !tb.get(k)!.equals(v)).map(([k]) => k);
    expect(differing).toEqual([]);
  });
});
