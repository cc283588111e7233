/**
 * Fixture tests in the Metalsmith style: a fixture is a small project (`src/`, optional `site.yml`,
 * `partials/`, `layouts/`), built and compared as a whole tree with its `expected/`. Whole-pipeline
 * fixtures live in `test/fixtures/pipeline/<case>/`; one plugin's in `test/fixtures/<plugin>/<case>/`
 * (test/helpers/plugin-fixture.ts). A missing expected tree fails the test; it is only written
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

/** Whole-pipeline fixtures: every stage, written as a release. */
export const PIPELINE_FIXTURES = path.join(FIXTURES, 'pipeline');

export async function buildFixture(name: string): Promise<{ result: BuildResult; site: string }> {
  const root = path.join(PIPELINE_FIXTURES, name);
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

/** Compares a whole-pipeline fixture's built site with its expected/ tree. */
export function expectTreeToMatchExpected(name: string, site: string): void {
  expectTreeToMatch(path.join(PIPELINE_FIXTURES, name, 'expected'), readTree(site), name);
}

/**
 * Compares a tree (relative path -> bytes) with the folder `expectedDir`: the same file names, and
 * each file's text. With UPDATE_FIXTURES=1 and no folder yet, records it instead.
 */
export function expectTreeToMatch(expectedDir: string, actual: Map<string, Buffer>, name: string): void {
  const shown = path.relative(process.cwd(), expectedDir);
  // Re-recording is always asked for by name; the diff (git diff test/fixtures) is then reviewed.
  if (process.env.UPDATE_FIXTURES === '1') {
    const same = fs.existsSync(expectedDir) && sameTree(readTree(expectedDir), actual);
    if (!same) {
      writeTree(expectedDir, actual);
      console.warn(`wrote ${shown}: review it (git diff) before committing`);
    }
    return;
  }
  if (!fs.existsSync(expectedDir)) {
    throw new Error(`${shown}/ is missing. Record it deliberately with UPDATE_FIXTURES=1 npx vitest run <test file>, then review every file.`);
  }
  const expected = readTree(expectedDir);
  expect([...actual.keys()].sort(), `files built for fixture "${name}"`).toEqual([...expected.keys()].sort());
  for (const [rel, buf] of expected) {
    expect(asText(actual.get(rel)!), `${name}: ${rel}`).toBe(asText(buf));
  }
}

/** A file as text when it is UTF-8 (a readable diff), else as hex (an archive, an image). */
function asText(buf: Buffer): string {
  const text = buf.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buf) ? text : `<binary> ${buf.toString('hex')}`;
}

function sameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k)?.equals(v) === true);
}
