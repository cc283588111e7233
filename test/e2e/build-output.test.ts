/**
 * The files the reader's side depends on, without a browser: the search index (sections, anchors,
 * determinism), sitemap.xml / robots.txt, and "Last updated" dates from one git log.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../../build.ts';
import { lastCommitDates } from '../../plugins/git-dates.ts';
import { splitSections } from '../../lib/search-sections.ts';
import { buildIndex, type SearchIndex } from '../../plugins/search.ts';
import { sitemapXml } from '../../plugins/sitemap.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-out-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('search index', () => {
  it('splits a page into its h2 sections, keeping only the default environment panel', () => {
    const html =
      '<p>Intro <a href="/x/">link</a>.</p>' +
      '<h2 id="meaning">Meaning<a class="heading-anchor" href="#meaning" aria-label="Link to the section Meaning">#</a></h2><p>Fires when &amp; if.</p>' +
      '<div class="env-tabs" data-env-tabs><div class="env-tabs__list" role="tablist"><button>dev</button><button>prod <span>production</span></button></div>' +
      '<div class="env-tabs__panel" role="tabpanel" data-env="dev" data-default tabindex="0"><pre><code>run dev</code></pre></div>' +
      '<div class="env-tabs__panel is-production" role="tabpanel" data-env="prod" tabindex="0"><p class="env-tabs__warning">Production</p><pre><code>run prod</code></pre></div></div>' +
      '<h2 id="escalation">Escalation<a class="heading-anchor" href="#escalation">#</a></h2><ul><li>one</li><li>two</li></ul>';
    expect(splitSections(html, 'Page')).toEqual([
      { heading: 'Page', anchor: '', text: 'Intro link.' },
      { heading: 'Meaning', anchor: 'meaning', text: 'Fires when & if. run dev' },
      { heading: 'Escalation', anchor: 'escalation', text: 'one two' },
    ]);
    expect(splitSections('', 'Empty')).toEqual([{ heading: 'Empty', anchor: '', text: '' }]);
  });

  it('is sorted by URL whatever the input order', () => {
    const a = buildIndex([
      { url: '/b/', title: 'B', html: '<p>b</p>' },
      { url: '/a/', title: 'A', html: '<p>a</p>' },
    ]);
    expect(a.pages).toEqual([
      ['/a/', 'A'],
      ['/b/', 'B'],
    ]);
    expect(a.sections).toEqual([
      [0, '', 'A', 'a'],
      [1, '', 'B', 'b'],
    ]);
  });
});

describe('built site', () => {
  let first: BuildResult;
  let second: BuildResult;
  beforeAll(async () => {
    first = await build({ root: process.cwd(), destination: path.join(tmp, 'one'), write: false });
    second = await build({ root: process.cwd(), destination: path.join(tmp, 'two'), write: false });
  }, 60_000);

  const named = (r: BuildResult, re: RegExp) => Object.keys(r.files).find((k) => re.test(k))!;

  it('writes a fingerprinted index and engine that every page names, byte-identical across builds', () => {
    const index = named(first, /^assets\/search-index\.[0-9a-f]{10}\.json$/);
    const engine = named(first, /^assets\/minisearch\.[0-9a-f]{10}\.js$/);
    expect(index).toBeDefined();
    expect(engine).toBeDefined();
    expect(named(second, /^assets\/search-index\./)).toBe(index);
    expect(first.files[index]!.contents.equals(second.files[index]!.contents)).toBe(true);
    for (const name of ['sitemap.xml', 'robots.txt', 'queues/backed-up-channel/index.html']) {
      expect(first.files[name]!.contents.equals(second.files[name]!.contents), name).toBe(true);
    }
    const html = first.files['queues/backed-up-channel/index.html']!.contents.toString();
    expect(html).toContain(`data-index="/${index}"`);
    expect(html).toContain(`data-engine="/${engine}"`);
    expect(first.files[engine]!.contents.toString()).not.toContain('sourceMappingURL');
  });

  it('indexes every page, one entry per h2 with its anchor', () => {
    const name = named(first, /^assets\/search-index\./);
    const index = JSON.parse(first.files[name]!.contents.toString()) as SearchIndex;
    const pages = Object.keys(first.files).filter((k) => k.endsWith('.html') && k !== '404.html' && (first.files[k] as { url?: string }).url); // not redirect pages
    expect(index.pages.length).toBe(pages.length);
    const i = index.pages.findIndex(([url]) => url === '/queues/backed-up-channel/');
    const anchors = index.sections.filter(([p]) => p === i).map(([, a]) => a);
    expect(anchors).toEqual(['', 'meaning', 'impact', 'diagnosis', 'mitigation', 'escalation', 'related']);
    const diagnosis = index.sections.find(([p, a]) => p === i && a === 'diagnosis')!;
    expect(diagnosis[2]).toBe('Diagnosis');
    expect(diagnosis[3]).toContain('dev-workers'); // the default (first) environment's command
    expect(diagnosis[3]).not.toContain('prod-workers'); // not the same command three times
  });

  it('lists every page (not the 404) in sitemap.xml with absolute URLs', () => {
    const xml = first.files['sitemap.xml']!.contents.toString();
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs.length).toBe(first.pages);
    expect(locs).toContain('https://runbooks.example.com/queues/backed-up-channel/');
    expect(locs.every((l) => l!.startsWith('https://runbooks.example.com/'))).toBe(true);
    expect(xml).not.toContain('404');
    expect(first.files['robots.txt']!.contents.toString()).toContain('Sitemap: https://runbooks.example.com/sitemap.xml');
  });

  it('escapes URLs in the sitemap', () => {
    expect(sitemapXml('https://x.example/', [{ url: '/a&b/' }])).toContain('<url><loc>https://x.example/a&amp;b/</loc></url>');
  });
});

describe.skipIf(spawnSync('git', ['--version']).status !== 0)('git dates', () => {
  const git = (cwd: string, args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd,
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
    });

  it('maps each file to its last commit date with one git log; untracked files and non-repos get none', async () => {
    const repo = path.join(tmp, 'repo');
    const src = path.join(repo, 'src');
    await fs.mkdir(path.join(src, 'queues'), { recursive: true });
    git(repo, ['init', '-q']);
    await fs.writeFile(path.join(src, 'index.md'), '# Home\n');
    await fs.writeFile(path.join(src, 'queues', 'a b.md'), '# A\n');
    await fs.writeFile(path.join(repo, 'outside.md'), 'x\n');
    git(repo, ['add', '.']);
    git(repo, ['commit', '-qm', 'one'], '2026-01-05T10:00:00+00:00');
    await fs.writeFile(path.join(src, 'queues', 'a b.md'), '# A, edited\n');
    git(repo, ['commit', '-qam', 'two'], '2026-03-07T23:30:00-08:00'); // the committer's own day
    await fs.writeFile(path.join(src, 'new.md'), '# New\n');

    const dates = await lastCommitDates(src);
    expect(Object.fromEntries(dates)).toEqual({ 'index.md': '2026-01-05', 'queues/a b.md': '2026-03-07' });
    // Stops early once every wanted file is dated (same answer).
    expect((await lastCommitDates(src, { wanted: new Set(['queues/a b.md']) })).get('queues/a b.md')).toBe('2026-03-07');
    const notRepo = path.join(tmp, 'plain');
    await fs.mkdir(notRepo, { recursive: true });
    expect((await lastCommitDates(notRepo)).size).toBe(0);
    expect((await lastCommitDates(src, { git: path.join(tmp, 'no-such-git') })).size).toBe(0);
  });
});
