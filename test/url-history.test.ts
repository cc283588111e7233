/**
 * Issue 15, "no published URL disappears by accident": builds into the same destination twice with
 * the real CLI. Renaming a runbook fails the second build with the old URL, the likely replacement
 * and the exact `aliases:` line; adding that line makes it pass and publishes the redirect.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, TSX, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const SITE = `title: History
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
`;

const runbook = (title: string, alerts: string, extra = '') => `---
title: ${title}
owner: platform
severity: critical
services: [nsqd]
alerts: [${alerts}]
last_reviewed: 2026-11-01
${extra}---
## Meaning

Text.
`;

function project(files: Record<string, string>): string {
  const dir = tempDir('url-history-');
  writeProject(dir, { 'site.yml': SITE, 'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}', 'src/index.md': '---\ntitle: Home\n---\nHome.\n', ...files });
  return dir;
}

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};

/** The `aliases: [...]` line a hint tells the reader to add. */
function suggestedLine(stderr: string): string {
  const m = /front matter: (aliases: \[[^\]]+\])\./.exec(stderr);
  if (!m) throw new Error(`no aliases line suggested in:\n${stderr}`);
  return m[1]!;
}

describe('a renamed runbook between two builds into the same destination', () => {
  it('fails naming the old URL, the replacement (same alert) and the aliases line; passes with that line', () => {
    const dir = project({ 'src/queues/old-name.md': runbook('Channel backlog', 'nsq.depth.high') });
    expect(cli(dir).code).toBe(0);
    const before = fs.realpathSync(path.join(dir, 'build'));

    fs.renameSync(path.join(dir, 'src/queues/old-name.md'), path.join(dir, 'src/queues/channel-backlog.md'));
    const failed = cli(dir);
    expect(failed.stderr).toContain(
      'src/queues/channel-backlog.md:2:1  /queues/old-name/ ("Channel backlog", queues/old-name.md) was published by the previous release and no page or alias has it now; this page probably replaced it (it has the same alert nsq.depth.high)\n' +
        "    hint: Add this line to this page's front matter: aliases: [/queues/old-name/]. If the page was removed on purpose, list it in site.yml instead: removed_urls: [/queues/old-name/].",
    );
    expect(failed.stderr).toContain('Build failed: nothing was published');
    expect(failed.code).toBe(1);
    expect(fs.realpathSync(path.join(dir, 'build'))).toBe(before); // the previous release is still the site

    const file = path.join(dir, 'src/queues/channel-backlog.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('last_reviewed:', `${suggestedLine(failed.stderr)}\nlast_reviewed:`));
    const fixed = cli(dir);
    expect(fixed.code, fixed.out).toBe(0);
    const redirect = fs.readFileSync(path.join(dir, 'build/queues/old-name/index.html'), 'utf8');
    expect(redirect).toContain('data-to="/queues/channel-backlog/"');
  });

  it('finds the replacement through git log --follow when title and alerts changed too', () => {
    // A body long enough that git sees a rename (over half the file unchanged) despite the new title and alert.
    const body = Array.from({ length: 30 }, (_, i) => `${i + 1}. Step ${i + 1} of the procedure, unchanged by the rename.`).join('\n');
    const dir = project({ 'src/queues/old-name.md': runbook('Channel backlog', 'nsq.depth.high') + body });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'first');
    expect(cli(dir).code).toBe(0);
    git(dir, 'mv', 'src/queues/old-name.md', 'src/queues/backed-up.md');
    fs.writeFileSync(path.join(dir, 'src/queues/backed-up.md'), runbook('A channel is backing up', 'nsq.channel.depth.high') + body);
    git(dir, 'commit', '-qam', 'rename');
    const failed = cli(dir);
    expect(failed.stderr).toContain('src/queues/backed-up.md:2:1  /queues/old-name/ ("Channel backlog", queues/old-name.md) was published by the previous release and no page or alias has it now; this page probably replaced it (git records backed-up.md as renamed from old-name.md)');
    expect(failed.code).toBe(1);
  });

  it('a removed page with no replacement fails at site.yml; removed_urls allows it', () => {
    const dir = project({ 'src/queues/a.md': runbook('A', 'a.fires'), 'src/queues/gone.md': runbook('Gone', 'gone.fires') });
    expect(cli(dir).code).toBe(0);
    fs.rmSync(path.join(dir, 'src/queues/gone.md'));
    const failed = cli(dir);
    expect(failed.stderr).toContain(
      'site.yml:1:1  /queues/gone/ ("Gone", queues/gone.md) was published by the previous release and no page or alias has it now\n' +
        '    hint: If it moved, add this line to the front matter of the page that replaced it: aliases: [/queues/gone/]. If the page was removed on purpose, list it in site.yml instead: removed_urls: [/queues/gone/].',
    );
    expect(failed.code).toBe(1);
    fs.appendFileSync(path.join(dir, 'site.yml'), 'removed_urls: [/queues/gone/]\n');
    expect(cli(dir).code).toBe(0);
  });

  it('an alias that vanished counts as a published URL too', () => {
    const dir = project({ 'src/queues/a.md': runbook('A', 'a.fires', 'aliases: [/queues/older/]\n') });
    expect(cli(dir).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'src/queues/a.md'), runbook('A', 'a.fires'));
    const failed = cli(dir);
    expect(failed.stderr).toContain('/queues/older/ ("A", queues/a.md) was published by the previous release and no page or alias has it now');
    expect(failed.code).toBe(1);
  });
});

describe('--previous <dir or URL>', () => {
  it('compares with another folder, and with a published site through its urls.json', async () => {
    const dir = project({ 'src/queues/a.md': runbook('A', 'a.fires'), 'src/queues/b.md': runbook('B', 'b.fires') });
    expect(cli(dir, ['--destination', 'published']).code).toBe(0);
    fs.rmSync(path.join(dir, 'src/queues/b.md'));
    const fromDir = cli(dir, ['--check', '--previous', 'published']);
    expect(fromDir.stderr).toContain('site.yml:1:1  /queues/b/ ("B", queues/b.md) was published by the previous release');
    expect(fromDir.code).toBe(1);

    const root = fs.realpathSync(path.join(dir, 'published'));
    const server = http.createServer((req, res) => {
      const file = path.join(root, new URL(req.url!, 'http://x').pathname.replace(/^\/site\//, '/'));
      fs.readFile(file, (err, body) => (err ? res.writeHead(404).end() : res.writeHead(200).end(body)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const fromUrl = await cliAsync(dir, ['--check', '--previous', `http://127.0.0.1:${port}/site`]);
      expect(fromUrl.stderr).toContain('site.yml:1:1  /queues/b/ ("B", queues/b.md) was published by the previous release');
      expect(fromUrl.code).toBe(1);
    } finally {
      server.close();
    }
  });
});

/** The CLI while this process keeps serving (spawnSync would block the test's own server). */
function cliAsync(dir: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'build.ts'), ...args], { cwd: dir, env: { ...process.env, SOURCE_DATE_EPOCH: '1795305600', GITHUB_ACTIONS: '' }, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}
