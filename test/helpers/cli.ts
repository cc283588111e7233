/** Runs the build CLI the way people and CI do, in a child process, and writes test projects. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The command people run (`npm run build` is `node scripts/run.mjs build.ts`): the launcher starts
 * from a cached bundle in ~0.3 s, where tsx compiled every module on each start (~2.5 s a test).
 */
export const BUILD_CLI = [path.join(ROOT, 'scripts', 'run.mjs'), 'build.ts'];

/** Runs the build CLI in a project folder. */
export function cli(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [...BUILD_CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795305600', GITHUB_ACTIONS: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

export function writeProject(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

