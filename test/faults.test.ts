/**
 * No fault loses the site (issue 12, section 3), for the build: a build that fails while writing
 * (a real full disk: a 12 MB tmpfs, mounted as root) or is killed with SIGKILL at several points
 * leaves the published site byte-identical, leaves nothing that counts as a release, and the next
 * build removes what it left while keeping the last good release.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReleases } from '../lib/io/release.ts';
import { cli, ROOT, writeProject } from './helpers/cli.ts';
import { readTree, tempDir } from './helpers/fixtures.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/faults.test.ts: not root, so the full-disk tests (they mount a tmpfs) are skipped; CI runs them as root.');

/** A project of `n` pages of ~`size` bytes each; `label` changes every page, so two labels build different sites. */
function project(dir: string, label: string, n = 30, size = 3000): void {
  const files: Record<string, string> = {
    'site.yml': 'title: Faults\n',
    'layouts/default.hbs': '<!doctype html><title>{{page.title}}</title>{{{content}}}</html>\n',
    'src/index.md': `---\ntitle: Home ${label}\n---\nHome.\n`,
  };
  const para = `Release ${label}: drain the queue, then restart the worker and watch the depth fall.\n\n`;
  for (let i = 0; i < n; i++) files[`src/section/page-${String(i).padStart(3, '0')}.md`] = `---\ntitle: Page ${i} ${label}\n---\n${para.repeat(Math.ceil(size / para.length))}`;
  writeProject(dir, files);
}

const releasesOf = (dest: string) => path.join(path.dirname(dest), `.${path.basename(dest)}-releases`);

/** The entries of the releases folder once the detached deletes have finished (at most 10 s). */
async function settledEntries(dir: string): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const entries = fs.readdirSync(dir).sort();
    if (!entries.some((e) => e.startsWith('.trash-'))) return entries;
    await new Promise((r) => setTimeout(r, 50));
  }
  return fs.readdirSync(dir).sort();
}

/**
 * Starts the build CLI in `cwd` as one process (node with tsx's loader: the tsx command would
 * run the build in a child of its own, which a kill of the tsx process would not reach).
 */
function startBuild(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, path.join(ROOT, 'build.ts'), '--no-cache', ...args], { cwd, stdio: 'ignore', env: { ...process.env, SOURCE_DATE_EPOCH: '1795305600', ...env } });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, ended };
}

describe('a build killed with SIGKILL', () => {
  let dir: string;
  let dest: string;
  let good: string;
  let goodTree: Map<string, Buffer>;

  beforeAll(() => {
    dir = tempDir('faults-kill-');
    dest = path.join(dir, 'build');
    project(dir, 'A');
    const r = cli(dir, ['--no-cache']);
    expect(r.code, r.out).toBe(0);
    good = fs.readlinkSync(dest);
    goodTree = readTree(dest);
    project(dir, 'B'); // every later build has something new to write
  });

  const unchanged = async (hidden = true) => {
    expect(fs.readlinkSync(dest)).toBe(good);
    const tree = readTree(dest);
    expect([...tree.keys()]).toEqual([...goodTree.keys()]);
    for (const [k, v] of goodTree) expect(tree.get(k)!.equals(v), k).toBe(true);
    // What the kill left is hidden: listed, the releases are only the good one.
    if (hidden) expect(await listReleases(releasesOf(dest))).toEqual([path.basename(good)]);
  };

  it('when its release folder appears: the site is unchanged and the leftover is hidden', async () => {
    // inotify tells the moment the folder appears; the build is killed from the event.
    const releases = releasesOf(dest);
    let seen = false;
    const watcher = fs.watch(releases, (_event, name) => {
      if (!seen && String(name).startsWith('.partial-')) {
        seen = true;
        child.kill('SIGKILL');
      }
    });
    const { child, ended } = startBuild(dir, []);
    await ended;
    watcher.close();
    expect(seen, 'the build never created its release folder').toBe(true);
    expect((await ended).signal).toBe('SIGKILL');
    await unchanged();
    expect(fs.readdirSync(releasesOf(dest)).filter((e) => e.startsWith('.partial-'))).toHaveLength(1);
  }, 90_000);

  it('during the write: the site is unchanged', async () => {
    const { ended } = startBuild(dir, [], { RUNBOOK_SMITH_KILL_AT: 'build:mid-write' });
    expect((await ended).signal).toBe('SIGKILL');
    await unchanged();
  }, 90_000);

  it('after its release is complete, before the symlink swap: the site is unchanged', async () => {
    const { ended } = startBuild(dir, [], { RUNBOOK_SMITH_KILL_AT: 'build:before-swap' });
    expect((await ended).signal).toBe('SIGKILL');
    await unchanged(false);
    // A complete release that was never published lies there, under a release's name: the next
    // build must not take it for the release before (the last test).
    expect(fs.readdirSync(releasesOf(dest)).filter((e) => /^\d{8}T\d{9}Z-\d+$/.test(e) && e !== path.basename(good))).toHaveLength(1);
  }, 90_000);

  it('the next build publishes, removes every leftover and keeps the last good release as the one before', async () => {
    const r = cli(dir, ['--no-cache']);
    expect(r.code, r.out).toBe(0);
    const now = path.basename(fs.readlinkSync(dest));
    expect(now).not.toBe(path.basename(good));
    expect(readTree(dest).get('index.html')!.toString()).toContain('Home B');
    expect(await settledEntries(releasesOf(dest))).toEqual([path.basename(good), now].sort());
    // The last good release is intact, for readers still on it.
    const kept = readTree(path.join(releasesOf(dest), path.basename(good)));
    for (const [k, v] of goodTree) expect(kept.get(k)!.equals(v), k).toBe(true);
  }, 90_000);
});

describe.skipIf(!isRoot)('a build on a disk that fills while it writes (12 MB tmpfs; needs root)', () => {
  let disk: string;
  let dir: string;
  let dest: string;
  const ballast = () => path.join(disk, 'ballast');

  beforeAll(() => {
    disk = tempDir('faults-disk-');
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', disk], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    dir = tempDir('faults-disk-project-');
    dest = path.join(disk, 'site');
  });

  afterAll(() => {
    if (disk) spawnSync('umount', [disk]);
  });

  it('fails with one line naming the destination, removes its partial release, and the next build works', async () => {
    project(dir, 'A', 60, 6000);
    const first = cli(dir, ['--no-cache', '--destination', dest]);
    expect(first.code, first.out).toBe(0);
    const good = fs.readlinkSync(dest);
    const goodTree = readTree(dest);
    const size = [...goodTree.values()].reduce((n, b) => n + b.length, 0);

    // Leave room for about half of the next release.
    const free = () => {
      const s = fs.statfsSync(disk);
      return s.bavail * s.bsize;
    };
    fs.writeFileSync(ballast(), Buffer.alloc(Math.max(0, free() - Math.floor(size / 2))));
    project(dir, 'B', 60, 6000);
    const full = cli(dir, ['--no-cache', '--destination', dest]);
    expect(full.code, full.out).toBe(1);
    expect(full.stderr.trim()).toBe(`Build failed: could not write the site to ${dest}: the disk is full. Nothing was published; the previous site is unchanged.`);
    expect(full.out).not.toMatch(/^\s+at /m);

    expect(fs.readlinkSync(dest)).toBe(good);
    const tree = readTree(dest);
    for (const [k, v] of goodTree) expect(tree.get(k)!.equals(v), k).toBe(true);
    expect(await settledEntries(releasesOf(dest))).toEqual([path.basename(good)]);

    // Still full: a second build fails the same way and leaves nothing either.
    const again = cli(dir, ['--no-cache', '--destination', dest]);
    expect(again.code).toBe(1);
    expect(await settledEntries(releasesOf(dest))).toEqual([path.basename(good)]);

    fs.rmSync(ballast());
    const after = cli(dir, ['--no-cache', '--destination', dest]);
    expect(after.code, after.out).toBe(0);
    expect(readTree(dest).get('index.html')!.toString()).toContain('Home B');
    expect(await settledEntries(releasesOf(dest))).toEqual([path.basename(good), path.basename(fs.readlinkSync(dest))].sort());
  }, 180_000);

  it('a read-only destination: one line naming it', () => {
    const ro = tempDir('faults-ro-');
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    try {
      project(dir, 'C', 5);
      const r = cli(dir, ['--no-cache', '--destination', path.join(ro, 'site')]);
      expect(r.code, r.out).toBe(1);
      expect(r.stderr.trim()).toBe(`Build failed: could not write the site to ${path.join(ro, 'site')}: the disk is read-only. Nothing was published; the previous site is unchanged.`);
    } finally {
      spawnSync('umount', [ro]);
    }
  }, 90_000);
});
