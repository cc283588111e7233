/**
 * A file in src/ that the build would replace with its own output (robots.txt, alerts.json,
 * sitemap.xml, urls.json...) is an error naming both, never a silent overwrite; nothing is published.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeProject } from './helpers/cli.ts';
import { FIXTURES, tempDir } from './helpers/fixtures.ts';

describe('files the build would overwrite', () => {
  it('each is reported at its own path, with what replaces it and what to do; nothing is published', () => {
    const root = tempDir('overwrites-');
    fs.cpSync(path.join(FIXTURES, '_layouts'), path.join(root, 'layouts'), { recursive: true });
    writeProject(root, {
      'site.yml': 'title: Overwrites\nurl: https://runbooks.example.com/\n',
      'src/index.md': '# Home\n',
      'src/robots.txt': 'User-agent: *\nDisallow: /\n',
      'src/alerts.json': '{}\n',
      'src/sitemap.xml': '<urlset/>\n',
      'src/notes.txt': 'a file of our own\n',
    });
    const r = cli(root);
    expect(r.code, r.out).toBe(1);
    for (const name of ['robots.txt', 'alerts.json', 'sitemap.xml']) {
      expect(r.stderr).toContain(`src/${name}:1:1  the build writes its own ${name} at this address, which would replace this file`);
    }
    expect(r.stderr).toContain('hint: Rename or move the file (its address is its path under src/), or delete it if the generated one is what you want.');
    expect(r.stderr).not.toContain('src/notes.txt');
    expect(fs.existsSync(path.join(root, 'build'))).toBe(false);
  });
});

describe('a release from before URL lists (no urls.json)', () => {
  it('a rebuild over it does not count the generated pages (teams, services, alerts) as vanished', async () => {
    const root = tempDir('urls-upgrade-');
    fs.cpSync(path.join(FIXTURES, '_layouts'), path.join(root, 'layouts'), { recursive: true });
    writeProject(root, {
      'site.yml': 'title: Upgrade\nrunbook_sections: [ops]\nteams:\n  - id: platform\n    name: Platform\n',
      'src/index.md': '# Home\n',
      'src/ops/disk.md': '---\ntitle: Disk full\nowner: platform\nseverity: critical\nservices: [api]\nalerts: [disk.full]\nlast_reviewed: 2026-11-01\n---\n## Meaning\nx\n',
    });
    expect(cli(root).code).toBe(0);
    const release = fs.realpathSync(path.join(root, 'build'));
    expect(fs.existsSync(path.join(release, 'teams', 'index.html'))).toBe(true);
    fs.rmSync(path.join(release, 'urls.json')); // as a release built before urls.json existed
    const again = cli(root);
    expect(again.code, again.out).toBe(0);
  });
});
