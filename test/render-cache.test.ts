/**
 * The render cache (lib/io/render-cache.ts) through the CLI on a copy of this repository's site:
 * a rebuild reuses unchanged pages and publishes exactly what a build without the cache publishes;
 * a changed page, a changed partial and changed helper output (site.yml) are rendered again; a
 * damaged cache file means a full render, never a wrong page; a failed build leaves the cache as it
 * was; `--no-cache` does not use it. The first test and the unwritable cache run the command in a
 * child process, as people do; the others run the same command (build.ts main()) in this process,
 * where a build of this site takes ~1 s instead of a fresh process's ~4 s (docs/decisions.md#test-speed).
 */
import { format } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../build.ts';
import { DevSite } from '../scripts/dev-site.ts';
import { cli, ROOT } from './helpers/cli.ts';
import { readTree, tempDir } from './helpers/fixtures.ts';

let dir: string;
const cacheDir = () => path.join(dir, 'node_modules', '.cache', 'runbook-smith');
const cacheFiles = () => (fs.existsSync(cacheDir()) ? fs.readdirSync(cacheDir()) : []);
const page = (url: string) => fs.readFileSync(path.join(dir, 'build', url, 'index.html'), 'utf8');
const reused = (out: string) => Number(/\((\d+) unchanged pages reused\)/.exec(out)?.[1] ?? 0);
const pages = (out: string) => Number(/Built (\d+) pages/.exec(out)?.[1]);

/**
 * Each file's bytes as a Latin-1 string (one character a byte, so equal exactly when the bytes are):
 * toEqual walks a Buffer byte by byte, seconds for this site (docs/decisions.md#test-speed).
 */
function bytes(tree: Map<string, Buffer>): Map<string, string> {
  return new Map([...tree].map(([k, v]) => [k, v.toString('latin1')]));
}

/** Every published file, without the release manifest. */
function published(): Map<string, string> {
  const tree = readTree(path.join(dir, 'build'));
  tree.delete('.runbook-smith.json');
  return bytes(tree);
}

/**
 * `npm run build` in `cwd`, run in this process: the command's own main() with the child process's
 * environment (test/helpers/cli.ts cli()), its output captured; the working folder and the
 * environment restored after.
 */
async function cliHere(cwd: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(`${format(...a)}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(`${format(...a)}\n`));
  const saved = { cwd: process.cwd(), epoch: process.env.SOURCE_DATE_EPOCH, actions: process.env.GITHUB_ACTIONS };
  process.env.SOURCE_DATE_EPOCH = '1795305600';
  process.env.GITHUB_ACTIONS = '';
  process.chdir(cwd);
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join(''), out: stdout.join('') + stderr.join('') };
  } finally {
    process.chdir(saved.cwd);
    for (const [name, value] of [['SOURCE_DATE_EPOCH', saved.epoch], ['GITHUB_ACTIONS', saved.actions]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    log.mockRestore();
    error.mockRestore();
  }
}

/** A temporary copy of this repository's site (content, partials, layouts, assets, settings). */
function copyOfSite(prefix: string): string {
  const to = tempDir(prefix);
  for (const d of ['src', 'partials', 'layouts', 'assets', 'templates', 'examples']) fs.cpSync(path.join(ROOT, d), path.join(to, d), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'site.yml'), path.join(to, 'site.yml'));
  return to;
}

beforeAll(() => {
  dir = copyOfSite('cache-');
});

// Each test runs several CLI builds of the whole site; on a busy CI machine the first took 105 s.
describe('render cache', { timeout: 300_000 }, () => {
  it('a rebuild reuses every unchanged page and publishes the same files as a build without the cache', () => {
    const first = cli(dir);
    expect(first.code, first.out).toBe(0);
    expect(reused(first.stdout)).toBe(0);
    expect(cacheFiles().filter((f) => f.endsWith('.v8'))).toHaveLength(1);
    const fresh = published();

    const second = cli(dir);
    expect(second.code, second.out).toBe(0);
    expect(reused(second.stdout)).toBeGreaterThan(40);
    expect(reused(second.stdout)).toBeLessThanOrEqual(pages(second.stdout));
    expect(published()).toEqual(fresh);

    const uncached = cli(dir, ['--no-cache']);
    expect(uncached.code, uncached.out).toBe(0);
    expect(reused(uncached.stdout)).toBe(0);
    expect(published()).toEqual(fresh);
  });

  it('a changed page is rendered again, and only it', async () => {
    // This process runs the TypeScript sources, not the bundle: its cache file is its own
    // (lib/io/render-cache.ts codeVersion), filled here before counting what a rebuild reuses.
    await cliHere(dir);
    const before = reused((await cliHere(dir)).stdout);
    const file = path.join(dir, 'src/queues/backed-up-channel.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('## Meaning', '## Meaning\n\nEdited for the cache test: **bold**.'));
    const r = await cliHere(dir);
    expect(r.code, r.out).toBe(0);
    expect(reused(r.stdout)).toBe(before - 1);
    expect(page('queues/backed-up-channel')).toContain('Edited for the cache test: <strong>bold</strong>.');
  });

  it('a changed partial or a changed helper output (site.yml) renders the pages that use them again', async () => {
    const partial = path.join(dir, 'partials/runbook/escalation.md');
    const text = fs.readFileSync(partial, 'utf8');
    fs.writeFileSync(partial, `${text}\nPartial changed for the cache test.\n`);
    let r = await cliHere(dir);
    expect(r.code, r.out).toBe(0);
    expect(page('queues/backed-up-channel')).toContain('Partial changed for the cache test.');

    const site = path.join(dir, 'site.yml');
    fs.writeFileSync(site, fs.readFileSync(site, 'utf8').replace('cluster: dev-workers', 'cluster: dev-workers-renamed'));
    r = await cliHere(dir);
    expect(r.code, r.out).toBe(0);
    expect(page('editing/helpers')).toContain('dev-workers-renamed');
  });

  it('a damaged cache file means every page is rendered, with the same result', async () => {
    const expected = published();
    const [file] = cacheFiles().filter((f) => f.endsWith('.v8'));
    const full = path.join(cacheDir(), file!);
    const bytes = fs.readFileSync(full);
    fs.writeFileSync(full, bytes.subarray(0, Math.floor(bytes.length / 2))); // cut short
    const r = await cliHere(dir);
    expect(r.code, r.out).toBe(0);
    expect(reused(r.stdout)).toBe(0);
    expect(published()).toEqual(expected);
    fs.writeFileSync(full, 'not a cache at all');
    const again = await cliHere(dir);
    expect(again.code, again.out).toBe(0);
    expect(published()).toEqual(expected);
  });

  it('a failed build leaves the cache file as it was and no temporary file behind', async () => {
    await cliHere(dir); // a good build first: the cache is complete
    const [file] = cacheFiles().filter((f) => f.endsWith('.v8'));
    const before = fs.readFileSync(path.join(cacheDir(), file!), 'latin1');
    fs.writeFileSync(path.join(dir, 'src/editing/new-page.md'), '---\ntitle: New\n---\nA new page with a [broken link](nowhere.md).\n');
    const r = await cliHere(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/editing/new-page.md:4:');
    expect(cacheFiles()).toEqual([file]);
    expect(fs.readFileSync(path.join(cacheDir(), file!), 'latin1')).toEqual(before);
  });

  it('a cache that cannot be written is a warning: the site is still built and published', () => {
    const other = copyOfSite('cache-blocked-');
    fs.mkdirSync(path.join(other, 'node_modules', '.cache'), { recursive: true });
    fs.writeFileSync(path.join(other, 'node_modules', '.cache', 'runbook-smith'), 'a file where the cache folder goes');
    const r = cli(other);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toMatch(/^Built \d+ pages, 1 warning, /m);
    expect(r.stderr).toContain('node_modules/.cache/runbook-smith:1:1  the render cache could not be saved');
    expect(fs.existsSync(path.join(other, 'build/queues/backed-up-channel/index.html'))).toBe(true);
  });

  it("npm start's full builds reuse the cache too, and serve the same pages as without it", async () => {
    const project = copyOfSite('cache-dev-');
    const cache = path.join(project, 'node_modules', '.cache', 'runbook-smith');
    const uncached = new DevSite({ root: project });
    await uncached.full();
    const first = new DevSite({ root: project, cache });
    expect((await first.full()).reused).toBe(0);
    const second = new DevSite({ root: project, cache });
    const again = await second.full();
    expect(again.reused).toBeGreaterThan(40);
    expect(second.problems).toEqual([]);
    expect(bytes(await second.everything())).toEqual(bytes(await uncached.everything()));
    expect(bytes(await first.everything())).toEqual(bytes(await uncached.everything()));
  });
});
