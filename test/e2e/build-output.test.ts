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
import { splitSections } from '../../lib/search/sections.ts';
import { sitemapXml } from '../../plugins/sitemap.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-out-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('search index', () => {
  it('splits a page into its h2 sections, keeping only the default environment panel; tables and code apart from prose', () => {
    const html =
      '<p>Intro <a href="/x/">link</a>.</p>' +
      '<h2 id="meaning">Meaning<a class="heading-anchor" href="#meaning" aria-label="Link to the section Meaning">#</a></h2><p>Fires when &amp; if.</p>' +
      '<div class="env-tabs" data-env-tabs><div class="env-tabs__list" role="tablist"><button>dev</button><button>prod <span>production</span></button></div>' +
      '<div class="env-tabs__panel" role="tabpanel" data-env="dev" data-default tabindex="0"><pre><code>run dev</code></pre></div>' +
      '<div class="env-tabs__panel is-production" role="tabpanel" data-env="prod" tabindex="0"><p class="env-tabs__warning">Production</p><pre><code>run prod</code></pre></div></div>' +
      '<h2 id="escalation">Escalation<a class="heading-anchor" href="#escalation">#</a></h2><ul><li>one</li><li>two</li></ul>' +
      '<table><tr><th>Runbook</th><th>Severity</th></tr><tr><td>Disk</td><td>critical</td></tr></table><p>After.</p>';
    expect(splitSections(html, 'Page')).toEqual([
      { heading: 'Page', anchor: '', text: 'Intro link.', other: '' },
      { heading: 'Meaning', anchor: 'meaning', text: 'Fires when & if.', other: 'run dev' },
      { heading: 'Escalation', anchor: 'escalation', text: 'one two After.', other: 'Runbook Severity Disk critical' },
    ]);
    expect(splitSections('', 'Empty')).toEqual([{ heading: 'Empty', anchor: '', text: '', other: '' }]);
  });
});

/** The pieces of a built index, by piece name ("s0", "c3"), parsed. */
function pieces(r: BuildResult): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, file] of Object.entries(r.files)) {
    const m = /^assets\/search\/([sck]\d+)\.[0-9a-f]{10}\.js$/.exec(name);
    if (!m) continue;
    const text = file.contents.toString();
    const call = /^rsSearch\("([sck]\d+)",([\s\S]*)\);\n$/.exec(text);
    expect(call, `${name} is one rsSearch(name, data) call`).not.toBeNull();
    expect(call![1]).toBe(m[1]);
    out.set(m[1]!, JSON.parse(call![2]!));
  }
  return out;
}

describe('built site', () => {
  let first: BuildResult;
  let second: BuildResult;
  beforeAll(async () => {
    first = await build({ root: process.cwd(), destination: path.join(tmp, 'one'), write: false });
    second = await build({ root: process.cwd(), destination: path.join(tmp, 'two'), write: false });
  }, 60_000);

  const named = (r: BuildResult, re: RegExp) => Object.keys(r.files).find((k) => re.test(k))!;

  it('writes the index as fingerprinted script pieces that every page names, byte-identical across builds', () => {
    const names = Object.keys(first.files).filter((k) => k.startsWith('assets/search/')).sort();
    expect(names.length).toBeGreaterThan(2);
    expect(Object.keys(second.files).filter((k) => k.startsWith('assets/search/')).sort()).toEqual(names);
    for (const n of names) expect(first.files[n]!.contents.equals(second.files[n]!.contents), n).toBe(true);
    const hash = /\.([0-9a-f]{10})\.js$/.exec(names[0]!)![1];
    expect(names.every((n) => n.endsWith(`.${hash}.js`)), 'one hash for the whole index').toBe(true);
    for (const name of ['sitemap.xml', 'robots.txt', 'queues/backed-up-channel/index.html']) {
      expect(first.files[name]!.contents.equals(second.files[name]!.contents), name).toBe(true);
    }
    const html = first.files['queues/backed-up-channel/index.html']!.contents.toString();
    const config = /data-search="v2 ([0-9a-f]{10}) (\d+) (\d+) (\d+)"/.exec(html);
    expect(config, 'the search box names the index').not.toBeNull();
    expect(config![1]).toBe(hash);
    const found = pieces(first);
    expect([...found.keys()].filter((k) => k.startsWith('s')).length).toBe(Number(config![2]));
    // The card pieces (k<n>): the fifth field says how many (issue 13, first result in one round trip).
    expect([...found.keys()].filter((k) => k.startsWith('k')).length).toBe(Number(config![4]));
    // No piece URL is written into a page: the browser builds them relative to its own script.
    expect(html).not.toMatch(/assets\/search\//);
  });

  it('holds every page, each with its h2 sections, their anchors and prose; tables never in a snippet', () => {
    const found = pieces(first);
    const records = [...found].filter(([k]) => k.startsWith('c')).sort((a, b) => Number(a[0].slice(1)) - Number(b[0].slice(1))).flatMap(([, v]) => v as [string, string, string, string, number, [string, string, string][]][]);
    const pages = Object.keys(first.files).filter((k) => k.endsWith('.html') && k !== '404.html' && (first.files[k] as { url?: string }).url); // not redirect pages
    expect(records.length).toBe(pages.length);
    const page = records.find((r) => r[0] === 'queues/backed-up-channel/')!;
    expect(page[1]).toBe('A channel is backing up');
    expect(page[2]).toBe('Queues (NSQ)');
    expect(page[3]).toBe('critical');
    expect(page[5].map((s) => s[0])).toEqual(['', 'meaning', 'impact', 'diagnosis', 'mitigation', 'escalation', 'related']);
    expect(page[5][3]![1]).toBe('Diagnosis');
    const services = records.find((r) => r[0] === 'services/')!;
    expect(services[4]).toBe(1); // generated
    for (const [, , text] of services[5]) expect(text).not.toMatch(/Runbook Severity Alerts/);
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
