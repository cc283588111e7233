/**
 * Issue 15, permanent alert URLs and aliases: the URL rule, the published redirect pages, alerts.json
 * and the nginx map (read as a user's tools would), and every error with its exact message, line,
 * hint and exit code, with nothing published.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertSegment } from '../lib/alerts/urls.ts';
import { cli, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

describe('alert URL segments (README "Permanent alert URLs")', () => {
  it.each([
    ['KubePodCrashLooping', 'KubePodCrashLooping'],
    ['nsq.channel.depth.high', 'nsq.channel.depth.high'],
    ['node_filesystem-full', 'node_filesystem-full'],
    ['disk usage > 90%', 'disk~20usage~20~3E~2090~25'],
    ['a/b', 'a~2Fb'],
    ['x~y', 'x~7Ey'],
    ['.hidden', '~2Ehidden'],
    ['..', '~2E.'],
    ['Über', '~C3~9Cber'],
    ['[prod] API: down?', '~5Bprod~5D~20API~3A~20down~3F'],
  ])('%s -> %s', (name, segment) => {
    expect(alertSegment(name)).toBe(segment);
  });
});

const SITE = `title: Alerts
url: https://rb.example
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
`;

const runbook = (title: string, extra: string) => `---
title: ${title}
owner: platform
severity: critical
services: [api]
${extra}
last_reviewed: 2026-11-01
---
## Mitigation

Do it.
`;

const BASE = {
  'site.yml': SITE,
  'layouts/default.hbs': '<title>{{page.title}}</title>{{#each runbook.alerts}}<code data-copy>{{url}}</code>{{/each}}{{{content}}}',
  'src/index.md': '---\ntitle: Home\n---\nHome.\n',
};

function project(files: Record<string, string>): string {
  const dir = tempDir('alert-links-');
  writeProject(dir, { ...BASE, ...files });
  return dir;
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, 'build', rel), 'utf8');

describe('a build publishes permanent alert URLs and aliases', () => {
  const dir = project({
    'src/queues/crash.md': runbook('Pods crash looping', 'alerts: [KubePodCrashLooping, "disk usage > 90%"]\naliases: [/old/crash/, old/crash-page.html]'),
  });
  const run = cli(dir);

  it('builds', () => {
    expect(run.out).toContain('Built 7 pages'); // home, the runbook, its section, alerts, services, teams, the team: no redirect counted
    expect(run.code).toBe(0);
  });

  it('writes a redirect page at the exact and the lowercase permanent URL, and at each alias', () => {
    for (const rel of ['alerts/KubePodCrashLooping/index.html', 'alerts/kubepodcrashlooping/index.html', 'alerts/disk~20usage~20~3E~2090~25/index.html', 'old/crash/index.html', 'old/crash-page.html']) {
      const html = read(dir, rel);
      expect(html, rel).toContain('<link rel="canonical" href="https://rb.example/queues/crash/">');
      expect(html, rel).toMatch(/<script src="\/assets\/redirect\.[0-9a-f]{10}\.js" data-to="\/queues\/crash\/"><\/script>/);
      expect(html, rel).toContain('<noscript><meta http-equiv="refresh" content="0; url=/queues/crash/"></noscript>');
      expect(html, rel).toContain('<a href="/queues/crash/">Pods crash looping</a>');
      expect(html, rel).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script: the site's CSP forbids them
      expect(html, rel).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self';`);
    }
    const script = html(dir).match(/\/(assets\/redirect\.[0-9a-f]{10}\.js)/)![1]!;
    expect(read(dir, script)).toContain('location.replace(to + location.search + location.hash)');
  });

  it('alerts.json gives the permanent URL and the page URL', () => {
    expect(JSON.parse(read(dir, 'alerts.json'))).toEqual({
      KubePodCrashLooping: { url: 'https://rb.example/alerts/KubePodCrashLooping/', page: 'https://rb.example/queues/crash/' },
      'disk usage > 90%': { url: 'https://rb.example/alerts/disk~20usage~20~3E~2090~25/', page: 'https://rb.example/queues/crash/' },
    });
  });

  it('the runbook card and the Alerts index show the permanent URL to use as runbook_url', () => {
    expect(read(dir, 'queues/crash/index.html')).toContain('<code data-copy>https://rb.example/alerts/KubePodCrashLooping/</code>');
    const index = read(dir, 'alerts/index.html');
    expect(index).toContain('Permanent URL (use this as runbook_url)');
    expect(index).toContain('<code data-copy>https://rb.example/alerts/KubePodCrashLooping/</code>');
  });

  it('writes the nginx map: each URL with and without its slash (nginx matches map keys ignoring case, so no lowercase copies)', () => {
    const map = read(dir, '.nginx-redirects.map').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(map).toEqual([
      '"/alerts/KubePodCrashLooping" "/queues/crash/";',
      '"/alerts/KubePodCrashLooping/" "/queues/crash/";',
      '"/alerts/disk~20usage~20~3E~2090~25" "/queues/crash/";',
      '"/alerts/disk~20usage~20~3E~2090~25/" "/queues/crash/";',
      '"/old/crash" "/queues/crash/";',
      '"/old/crash-page.html" "/queues/crash/";',
      '"/old/crash/" "/queues/crash/";',
    ]);
  });

  it('publishes its URL list (urls.json) for later builds to compare with', () => {
    const list = JSON.parse(read(dir, 'urls.json'));
    expect(list.pages).toContainEqual({ url: '/queues/crash/', source: 'queues/crash.md', title: 'Pods crash looping', alerts: ['KubePodCrashLooping', 'disk usage > 90%'] });
    expect(list.redirects['/old/crash/']).toBe('/queues/crash/');
  });
});

function html(dir: string): string {
  return read(dir, 'alerts/KubePodCrashLooping/index.html');
}

describe('alias and permanent URL errors: exact message, line, hint, exit 1, nothing published', () => {
  const cases: { name: string; files: Record<string, string>; out: string[] }[] = [
    {
      name: 'an alias equal to a live page',
      files: { 'src/queues/a.md': runbook('A', 'alerts: [a.fires]\naliases: [/queues/b/]'), 'src/queues/b.md': runbook('B', 'alerts: [b.fires]') },
      out: ['src/queues/a.md:7:1  the alias /queues/b/ is the address of a live page, src/queues/b.md', '    hint: Remove the alias, or move src/queues/b.md first: a URL leads to one page.'],
    },
    {
      name: 'two pages claiming one alias',
      files: {
        'src/queues/a.md': runbook('A', 'alerts: [a.fires]\naliases:\n  - /queues/gone/'),
        'src/queues/c.md': runbook('C', 'alerts: [c.fires]\naliases: [/x/, queues/gone]'),
      },
      out: ['src/queues/c.md:7:1  the alias /queues/gone/ is also an alias in src/queues/a.md:8', '    hint: An old URL can lead to one page only: keep the alias on the page that replaced it.'],
    },
    {
      name: "an alias that is the page's own URL",
      files: { 'src/queues/a.md': runbook('A', 'alerts: [a.fires]\naliases: [/queues/a/]') },
      out: ["src/queues/a.md:7:1  the alias /queues/a/ is this page's own address", '    hint: Remove it: a page needs no alias for its own URL.'],
    },
    {
      name: 'an alias that is a full address',
      files: { 'src/queues/a.md': runbook('A', 'alerts: [a.fires]\naliases: ["https://old.example/a/"]') },
      out: ['src/queues/a.md:7:1  the alias "https://old.example/a/" is a full address; an alias is a path of this site, like /queues/old-name/', '    hint: Write the old address as a path, like /queues/old-name/.'],
    },
    {
      name: "an alert's permanent URL taken by a page",
      files: { 'src/queues/a.md': runbook('A', 'alerts: [db-slow]'), 'src/alerts/db-slow.md': '---\ntitle: DB slow notes\n---\nText.\n' },
      out: ['src/queues/a.md:6:1  the permanent URL /alerts/db-slow/ of alert "db-slow" is already the address of src/alerts/db-slow.md', '    hint: Move or rename src/alerts/db-slow.md: /alerts/<name>/ is kept for alert links.'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = project(c.files);
      const r = cli(dir);
      for (const line of c.out) expect(r.stderr).toContain(line);
      expect(r.stderr).toContain('Build failed: nothing was published');
      expect(r.code).toBe(1);
      expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
    });
  }
});
