/** Runs the build CLI the way people and CI do, in a child process, and writes test projects. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the build CLI in a project folder. */
export function cli(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(TSX, [path.join(ROOT, 'build.ts'), ...args], {
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

