/**
 * The build CLI in a child process with a hard wall-clock limit, measured in CPU seconds (user +
 * system of the build and its children, from bash's `times`): a super-linear path shows as CPU,
 * while wall time on a shared machine says more about the neighbours.
 */
import { spawnSync } from 'node:child_process';
import { BUILD_CLI, writeProject } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

export const BASE = { 'site.yml': 'title: Odd\n', 'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}', 'src/index.md': '# Home\n' };

export function boundedBuild(wallSeconds: number, files: Record<string, string>) {
  const dir = tempDir('bounded-');
  writeProject(dir, { ...BASE, ...files });
  const r = spawnSync('bash', ['-c', '"$@"; rc=$?; times; exit $rc', 'bash', process.execPath, ...BUILD_CLI, '--no-cache'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: wallSeconds * 1000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795305600', GITHUB_ACTIONS: '' },
  });
  // `times` prints the shell's own times, then its children's: "0m3.081s 0m0.262s".
  const children = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  const [user, sys] = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { code: r.status, out: `${r.stdout}${r.stderr}`.slice(0, 2000), stderr: r.stderr ?? '', seconds: (user ?? Infinity) + (sys ?? Infinity), dir };
}
