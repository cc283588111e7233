/**
 * `npm run deploy` refuses a release that would drop a page URL the live release serves (real
 * builds of a small project, the real deploy CLI); site.yml's removed_urls: or --allow-removed let a
 * deliberate removal through, and an alias keeps the old URL served.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../build.ts';
import { ROOT, writeProject } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

function deploy(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/run.mjs'), 'scripts/deploy.ts', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function buildInto(root: string, files: Record<string, string>, name: string): Promise<string> {
  for (const f of ['src', 'site.yml']) fs.rmSync(path.join(root, f), { recursive: true, force: true });
  writeProject(root, files);
  const destination = path.join(root, name);
  await build({ root, destination, layouts: path.join(ROOT, 'test/fixtures/_layouts') });
  return destination;
}

const site = { 'site.yml': 'title: Deploy URLs\n', 'src/index.md': '# Home\n', 'src/queues/index.md': '# Queues\n' };

describe('deploy: no published URL disappears by accident', () => {
  it('refuses a release that drops a live page URL, naming it, and keeps the live release', async () => {
    const root = tempDir('deploy-urls-');
    const target = path.join(root, 'target');
    const first = await buildInto(root, { ...site, 'src/queues/backlog.md': '# Backlog\n', 'src/queues/lag.md': '# Lag\n' }, 'one');
    expect(deploy(root, ['--target', target, '--source', first]).code).toBe(0);
    const live = fs.realpathSync(path.join(target, 'current'));

    const second = await buildInto(root, { ...site, 'src/queues/backlog-renamed.md': '# Backlog\n', 'src/queues/lag.md': '# Lag\n' }, 'two');
    const refused = deploy(root, ['--target', target, '--source', second]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('this published page would disappear from the live site, and nothing redirects it:\n  /queues/backlog/ (Backlog)\n');
    expect(refused.out).toContain('Add each old URL under `aliases:`');
    expect(fs.realpathSync(path.join(target, 'current'))).toBe(live);

    // The suggested fix: an alias on the page that replaced it.
    const aliased = await buildInto(root, { ...site, 'src/queues/backlog-renamed.md': '---\ntitle: Backlog\naliases: [/queues/backlog/]\n---\n', 'src/queues/lag.md': '# Lag\n' }, 'three');
    expect(deploy(root, ['--target', target, '--source', aliased]).code).toBe(0);
  });

  it('lets a removal through when site.yml lists it under removed_urls:, or with --allow-removed', async () => {
    const root = tempDir('deploy-urls-');
    const target = path.join(root, 'target');
    const first = await buildInto(root, { ...site, 'src/queues/backlog.md': '# Backlog\n', 'src/queues/lag.md': '# Lag\n' }, 'one');
    expect(deploy(root, ['--target', target, '--source', first]).code).toBe(0);
    const withoutLag = await buildInto(root, { ...site, 'site.yml': 'title: Deploy URLs\nremoved_urls: [/queues/lag/]\n', 'src/queues/backlog.md': '# Backlog\n' }, 'two');
    expect(deploy(root, ['--target', target, '--source', withoutLag]).code).toBe(0);
    const withoutBacklog = await buildInto(root, { ...site }, 'three');
    expect(deploy(root, ['--target', target, '--source', withoutBacklog]).code).toBe(1);
    expect(deploy(root, ['--target', target, '--source', withoutBacklog, '--allow-removed']).code).toBe(0);
  });
});
