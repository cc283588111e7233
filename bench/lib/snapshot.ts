/**
 * The code under test, copied when the bench starts (bench/.work/snapshot/, node_modules linked), so
 * edits made to the working tree during a long run do not mix versions; `--ref` takes a git revision.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listFiles } from './corpus.ts';
import { BENCH, ROOT, WORK } from './paths.ts';

/** Top-level entries not needed to run a build (and bench/, of which only run-build.ts is copied). */
const NOT_SNAPSHOTTED = new Set(['.git', 'node_modules', 'build', '.build-releases', 'bench', 'test', '.github', '.ci', 'deploy', 'src']);

export interface Snapshot {
  dir: string;
  hash: string;
  commit: string | null;
  dirty: boolean | null;
}

export function takeSnapshot(ref: string | undefined): Snapshot {
  const dir = path.join(WORK, 'snapshot');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'bench'), { recursive: true });
  if (ref) {
    const tar = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    for (const e of fs.readdirSync(ROOT, { withFileTypes: true })) {
      if (NOT_SNAPSHOTTED.has(e.name) || e.name.startsWith('build.pre-release-') || e.name.startsWith('.build-') || e.isSymbolicLink()) continue;
      fs.cpSync(path.join(ROOT, e.name), path.join(dir, e.name), { recursive: true });
    }
  }
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  fs.copyFileSync(path.join(BENCH, 'run-build.ts'), path.join(dir, 'bench', 'run-build.ts'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const hash = createHash('sha256');
  for (const f of listFiles(dir)) {
    if (f.startsWith(path.join(dir, 'node_modules'))) continue;
    hash.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  if (ref) {
    const commit = execFileSync('git', ['rev-parse', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
    return { dir, hash: hash.digest('hex').slice(0, 16), commit, dirty: false };
  }
  let dirty: boolean | null = null;
  try {
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  } catch {
    /* no git */
  }
  return { dir, hash: hash.digest('hex').slice(0, 16), commit: gitCommit() ?? null, dirty };
}

export function gitCommit(): string | undefined {
  try {
    const head = fs.readFileSync(path.join(ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = path.join(ROOT, '.git', ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(ROOT, '.git', 'packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    return undefined;
  }
}
