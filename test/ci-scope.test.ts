/** scripts/ci-scope.mjs: which workflow checks a change needs, from a real git history. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedFiles, scopeOf } from '../scripts/ci-scope.mjs';
import { ROOT, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

describe('ci scope', () => {
  it('content only when every changed file is a page, partial, template, site.yml, alert rule or doc', () => {
    expect(scopeOf(['src/queues/backlog.md', 'partials/runbook/escalation.md', 'templates/runbook.md', 'site.yml', 'docs/decisions.md', 'README.md'])).toBe('content');
    expect(scopeOf(['src/queues/backlog.md', 'plugins/layout.ts'])).toBe('generator');
    expect(scopeOf(['layouts/default.hbs'])).toBe('generator');
    expect(scopeOf(['assets/site.css'])).toBe('generator');
    expect(scopeOf(['package-lock.json'])).toBe('generator');
    expect(scopeOf(['.github/workflows/site.yml'])).toBe('generator');
    expect(scopeOf(['srcx/a.md'])).toBe('generator');
    expect(scopeOf([])).toBe('generator');
  });

  it('reads the changed files of a push and of a pull request from git, and runs everything when it cannot', () => {
    const dir = tempDir('scope-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'master');
    writeProject(dir, { 'src/a.md': '# A\n', 'plugins/x.ts': 'export {};\n' });
    git('add', '-A');
    git('commit', '-qm', 'one');
    const first = git('rev-parse', 'HEAD');
    writeProject(dir, { 'src/a.md': '# A, fixed\n' });
    git('commit', '-qam', 'typo');
    const inDir = (args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    expect(changedFiles({ EVENT: 'push', BEFORE: first }, inDir)).toEqual(['src/a.md']);
    expect(changedFiles({ EVENT: 'pull_request', BASE_SHA: first }, inDir)).toEqual(['src/a.md']);
    expect(changedFiles({ EVENT: 'push', BEFORE: '0'.repeat(40) }, inDir)).toBeUndefined();
    expect(changedFiles({ EVENT: 'workflow_dispatch' }, inDir)).toBeUndefined();
    expect(changedFiles({ EVENT: 'push', BEFORE: 'f'.repeat(40) }, inDir)).toBeUndefined(); // not in this history
    // The script as the workflow runs it.
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/ci-scope.mjs')], { cwd: dir, env: { ...process.env, EVENT: 'push', BEFORE: first }, encoding: 'utf8' });
    expect(out).toBe('scope=content\n');
  });
});
