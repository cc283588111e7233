/**
 * File names with `?`, `#`, `%` and spaces (issue 12): pages and files so named can be linked,
 * the generated pages (Services, Alerts, team pages) link to them without a broken link, "Edit this
 * page" opens the right file on GitHub (each path segment percent-encoded), and a rewritten link
 * keeps its query string and #fragment. Built with the real CLI and the site's own layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const runbook = (title: string, alert: string) =>
  `---\ntitle: ${title}\nowner: platform\nseverity: warning\nservices: [api]\nlast_reviewed: 2026-11-01\nalerts: [${alert}]\n---\n## Step 2\n\nText.\n`;

let dir: string;
let run: ReturnType<typeof cli>;
const html = (p: string) => fs.readFileSync(path.join(dir, 'build', p), 'utf8');
const hrefs = (p: string) => [...html(p).matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);

beforeAll(() => {
  dir = tempDir('url-encoding-');
  writeProject(dir, {
    'site.yml': 'title: Encoding\nrepository: { url: "https://github.com/acme/runbooks", branch: main }\nrunbook_sections: [ops]\nteams:\n  - { id: platform, name: Platform }\n',
    'layouts/default.hbs': fs.readFileSync(path.join(ROOT, 'layouts/default.hbs'), 'utf8'),
    'src/ops/what?.md': runbook('What', 'what.alert'),
    'src/ops/a#b.md': runbook('Hash', 'hash.alert'),
    'src/ops/100%.md': runbook('Percent', 'percent.alert'),
    'src/ops/on call.md': runbook('On call', 'oncall.alert'),
    'src/files/report?#1.pdf': 'PDF',
    'src/index.md':
      '---\ntitle: Home\n---\n' +
      '[q](ops/what%3F.md) [h](ops/a%23b.md) [p](ops/100%25.md) [s](<ops/on call.md>)\n\n' +
      '[x](ops/on%20call.md?tab=prod#step-2) [y](ops/what%3F.md?env=prod) [f](files/report%3F%231.pdf)\n',
  });
  run = cli(dir);
});

describe('names with ?, #, % and spaces', () => {
  it('build without a broken link, generated pages included', () => {
    expect(run.code, run.out).toBe(0);
    expect(run.stderr).not.toContain('goes to no page');
  });

  it('are linked by their encoded file names, and a link keeps its query and #fragment', () => {
    const links = hrefs('index.html');
    for (const url of ['/ops/what/', '/ops/ab/', '/ops/100/', '/ops/on-call/', '/ops/on-call/?tab=prod#step-2', '/ops/what/?env=prod', '/files/report%3F%231.pdf']) {
      expect(links, url).toContain(url);
    }
    expect(fs.readFileSync(path.join(dir, 'build/files/report?#1.pdf'), 'utf8')).toBe('PDF');
  });

  it('are linked from the generated Services, Alerts and team pages', () => {
    for (const page of ['services/index.html', 'alerts/index.html', 'teams/platform/index.html']) {
      const links = hrefs(page);
      for (const url of ['/ops/what/', '/ops/ab/', '/ops/100/', '/ops/on-call/']) expect(links, `${page} ${url}`).toContain(url);
    }
  });

  it('"Edit this page" opens the file itself on GitHub: each path segment percent-encoded', () => {
    const edit = (p: string) => /<a class="edit-link" href="([^"]*)"/.exec(html(p))?.[1];
    expect(edit('ops/what/index.html')).toBe('https://github.com/acme/runbooks/edit/main/src/ops/what%3F.md');
    expect(edit('ops/ab/index.html')).toBe('https://github.com/acme/runbooks/edit/main/src/ops/a%23b.md');
    expect(edit('ops/100/index.html')).toBe('https://github.com/acme/runbooks/edit/main/src/ops/100%25.md');
    expect(edit('ops/on-call/index.html')).toBe('https://github.com/acme/runbooks/edit/main/src/ops/on%20call.md');
  });
});
