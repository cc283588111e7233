/**
 * Fixture tests in the Metalsmith style: `test/fixtures/<case>/` is a small project (`src/`,
 * optional `site.yml`, `partials/`, `layouts/`), built and compared as a whole tree with
 * `test/fixtures/<case>/expected/`. A missing expected tree fails the test; it is only written
 * when asked for explicitly with UPDATE_FIXTURES=1 (then review it before committing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { build, type BuildResult } from '../../build.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
/**
 * The fixed "today" of fixture builds, given the way CI and reproducible builds give it:
 * SOURCE_DATE_EPOCH (2026-11-22T12:00:00Z), so review dates give the same output on any day.
 */
export const SOURCE_DATE_EPOCH = '1795348800';

export function tempDir(prefix = 'rs-'): string {
  const base = path.resolve(import.meta.dirname, '../.tmp');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

export async function buildFixture(name: string): Promise<{ result: BuildResult; site: string }> {
  const root = path.join(FIXTURES, name);
  const out = tempDir(`${name}-`);
  const site = path.join(out, 'site');
  const layouts = fs.existsSync(path.join(root, 'layouts')) ? undefined : path.join(FIXTURES, '_layouts');
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = SOURCE_DATE_EPOCH;
  try {
    const result = await build({ root, destination: site, layouts });
    return { result, site };
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}


/** Every file of a tree (following the destination symlink), by relative path, sorted. */
export function readTree(dir: string): Map<string, Buffer> {
  const root = fs.realpathSync(dir);
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full));
    }
  };
  walk(root);
  return out;
}

function writeTree(dir: string, tree: Map<string, Buffer>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, buf] of tree) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), buf);
  }
}

export function expectTreeToMatchExpected(name: string, site: string): void {
  const expectedDir = path.join(FIXTURES, name, 'expected');
  const actual = readTree(site);
  if (!fs.existsSync(expectedDir)) {
    if (process.env.UPDATE_FIXTURES === '1') {
      writeTree(expectedDir, actual);
      console.warn(`wrote ${path.relative(process.cwd(), expectedDir)}: review it before committing`);
      return;
    }
    throw new Error(`test/fixtures/${name}/expected/ is missing. Create it deliberately with UPDATE_FIXTURES=1 npx vitest run, then review every file.`);
  }
  const expected = readTree(expectedDir);
  expect([...actual.keys()], `files built for fixture "${name}"`).toEqual([...expected.keys()]);
  for (const [rel, buf] of expected) {
    expect(actual.get(rel)!.toString('utf8'), `${name}: ${rel}`).toBe(buf.toString('utf8'));
  }
}
