/**
 * The base path from the command line and in the dev server: `npm run build -- --base-path
 * /previews/pr-12/` (a PR preview, without editing site.yml), `--url`, a bad value's message, and
 * `npm start` serving a site whose site.yml `url` has a path. The served crawl is
 * test/e2e/base-path.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../scripts/dev.ts';
import { cli, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const PROJECT = {
  'site.yml': 'title: Base\nurl: https://example-org.github.io/infra-runbooks/\n',
  'src/index.md': '# Home\n\nSee [the queues](queues/index.md) and [a page](/queues/backlog/).\n',
  'src/queues/index.md': '# Queues\n',
  'src/queues/backlog.md': '# Backlog\n\nBack to [home](/).\n',
};

/** href and src values of a built page. */
const refs = (html: string) => [...html.matchAll(/\s(?:href|src|data-index|data-engine)="([^"]*)"/g)].map((m) => m[1]!);
const internal = (html: string) => refs(html).filter((r) => r.startsWith('/'));

describe('base path on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('base-cli-');
    writeProject(dir, PROJECT);
    fs.cpSync(path.resolve('layouts'), path.join(dir, 'layouts'), { recursive: true });
    fs.cpSync(path.resolve('assets'), path.join(dir, 'assets'), { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('site.yml url with a path: every generated URL is under it', () => {
    const r = cli(dir, ['--no-cache', '--destination', 'out-url']);
    expect(r.out).toContain('Built 3 pages');
    const html = fs.readFileSync(path.join(dir, 'out-url', 'queues', 'backlog', 'index.html'), 'utf8');
    const urls = internal(html);
    expect(urls.length).toBeGreaterThan(8);
    expect(urls.filter((u) => !u.startsWith('/infra-runbooks/'))).toEqual([]);
    expect(urls).toContain('/infra-runbooks/'); // "home" written as "/"
    expect(html).toContain('data-base="/infra-runbooks/"');
    expect(fs.readFileSync(path.join(dir, 'out-url', 'sitemap.xml'), 'utf8')).toContain('<loc>https://example-org.github.io/infra-runbooks/queues/backlog/</loc>');
  });

  it('--base-path puts a preview under /previews/<name>/ without editing site.yml', () => {
    const r = cli(dir, ['--no-cache', '--destination', 'out-preview', '--base-path', 'previews/pr-12']);
    expect(r.code, r.out).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'out-preview', 'index.html'), 'utf8');
    const urls = internal(html);
    expect(urls.filter((u) => !u.startsWith('/previews/pr-12/'))).toEqual([]);
    expect(urls).toContain('/previews/pr-12/queues/');
    expect(urls).toContain('/previews/pr-12/queues/backlog/');
    expect(html).toContain('data-base="/previews/pr-12/"');
    // The sitemap keeps site.yml's host, under the preview's path.
    expect(fs.readFileSync(path.join(dir, 'out-preview', 'sitemap.xml'), 'utf8')).toContain('<loc>https://example-org.github.io/previews/pr-12/queues/</loc>');
  });

  it('--url replaces site.yml url; "/" puts the site at the root', () => {
    const r = cli(dir, ['--no-cache', '--destination', 'out-root', '--url', 'https://runbooks.example.com/']);
    expect(r.code, r.out).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'out-root', 'index.html'), 'utf8');
    expect(internal(html)).toContain('/queues/backlog/');
    expect(internal(html).filter((u) => u.includes('infra-runbooks'))).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'out-root', 'alerts.json'), 'utf8')).toBe('{}\n');
    expect(fs.readFileSync(path.join(dir, 'out-root', 'robots.txt'), 'utf8')).toContain('Sitemap: https://runbooks.example.com/sitemap.xml');
  });

  it('a base path or URL that cannot be one is a usage error naming it, exit 2', () => {
    const bad = cli(dir, ['--base-path', 'previews/pr 12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--base-path: the base path "previews/pr 12" has a character a URL path cannot hold in "pr 12"');
    expect(cli(dir, ['--base-path', '../up']).stderr).toContain('may not contain ".."');
    const url = cli(dir, ['--url', 'example.com/x']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--url: "example.com/x" is not a web address');
    expect(cli(dir, ['--base-path']).stderr).toContain('--base-path needs a path');
  }, 180_000); // four CLI starts; a loaded shared machine takes seconds for each
});

describe('dev server under the base path', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startDevServer>>;
  const get = async (p: string) => {
    const r = await fetch(`http://127.0.0.1:${server.port}${p}`, { redirect: 'manual' });
    return { status: r.status, text: await r.text(), location: r.headers.get('location') };
  };
  beforeAll(async () => {
    dir = tempDir('base-dev-');
    writeProject(dir, PROJECT);
    server = await startDevServer({ root: dir, port: 0, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the site under its base path, sends / there, and 404s outside it', async () => {
    expect(await get('/')).toMatchObject({ status: 302, location: '/infra-runbooks/' });
    expect(await get('/infra-runbooks')).toMatchObject({ status: 302, location: '/infra-runbooks/' });
    const home = await get('/infra-runbooks/');
    expect(home.status).toBe(200);
    expect(internal(home.text).filter((u) => !u.startsWith('/infra-runbooks/') && !u.startsWith('/__rs/'))).toEqual([]);
    expect((await get('/infra-runbooks/queues/backlog/')).status).toBe(200);
    expect(await get('/infra-runbooks/queues/backlog')).toMatchObject({ status: 301, location: '/infra-runbooks/queues/backlog/' });
    expect((await get('/queues/backlog/')).status).toBe(404);
  });
});
