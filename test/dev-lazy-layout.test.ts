/**
 * The dev server lays out each page when it is first asked for and makes the search index on a
 * worker (scripts/dev-site.ts): what it serves must be what a build publishes, page for page and
 * piece for piece, whatever order the pages are asked for in, and a page laid out while an update
 * is running must not disturb that update.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { DevSite } from '../scripts/dev-site.ts';
import { WORKER_SOURCE } from '../lib/site/offline.ts';
import { tempDir } from './helpers/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let dir: string;
let built: Map<string, string>;
let searchPieces: Map<string, string>;

beforeAll(async () => {
  dir = tempDir('dev-lazy-');
  for (const d of ['src', 'partials', 'layouts', 'assets', 'templates', 'examples']) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'site.yml'), path.join(dir, 'site.yml'));
  // Without the service worker's source neither the build nor the dev server adds the offline parts
  // (the dev server never does), so every page must come out the same.
  fs.rmSync(path.join(dir, 'assets', WORKER_SOURCE));
  const result = await build({ root: dir, write: false });
  built = new Map(Object.entries(result.files).filter(([k]) => k.endsWith('.html')).map(([k, f]) => [k.split(path.sep).join('/'), f.contents.toString('latin1')]));
  searchPieces = new Map(Object.entries(result.files).filter(([k]) => k.startsWith('assets/search/')).map(([k, f]) => [k, f.contents.toString('latin1')]));
}, 120_000);

describe('dev server: pages laid out on request', () => {
  it('serves every page exactly as the build writes it, asked for in any order', async () => {
    const site = new DevSite({ root: dir });
    await site.full();
    const keys = [...built.keys()];
    expect(keys.length).toBeGreaterThan(40);
    // Backwards first (a section page after its pages), then everything.
    for (const key of [...keys].reverse().slice(0, 10)) expect(site.file(key)?.toString('latin1'), key).toBe(built.get(key));
    const served = await site.everything();
    for (const key of keys) expect(served.get(key)?.toString('latin1'), key).toBe(built.get(key));
  });

  it('serves the search index the build writes, though the dev server makes it on a worker after its pages', async () => {
    const site = new DevSite({ root: dir });
    await site.full();
    expect(searchPieces.size).toBeGreaterThan(3);
    for (const [key, text] of searchPieces) {
      const bytes = site.file(key) ?? (await site.coming(key));
      expect(bytes?.toString('latin1'), key).toBe(text);
    }
  });

  it('a page asked for while an edit is being applied is laid out for its own run; the edit keeps its problems', async () => {
    const site = new DevSite({ root: dir });
    await site.full();
    const file = path.join(dir, 'src', 'queues', 'backed-up-channel.md');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, `${original}\n{{#callout "loud"}}x{{/callout}}\n`);
      const update = site.sourceChanged(file);
      const other = 'deploys/index.html';
      expect(site.file(other)?.toString('latin1')).toBe(built.get(other));
      await update;
      expect(site.problems.map((p) => p.file)).toContain('src/queues/backed-up-channel.md');
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
