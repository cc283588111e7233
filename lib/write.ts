/**
 * Writes the site atomically. Metalsmith's own write deletes the destination and then writes into
 * it, so a reader sees a half-empty site for the whole write (FACTS.md), and at 10,000 pages the
 * delete of the old tree alone took 5-14 s. Instead every build writes a fresh release directory
 * next to the destination, and the destination (a symlink) is swapped to it with one rename
 * (lib/release.ts): a web server reading `build/` sees the old site or the new one, never a mix.
 * A failed build never gets here, so the previous site stays byte-identical.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { listReleases, swapSymlink, timestampId } from './release.ts';

export interface WriteResult {
  releaseDir: string;
  files: number;
}

/** Where a destination's releases live: `build` -> `.build-releases/` beside it. */
export function releasesDirFor(destination: string): string {
  return path.join(path.dirname(destination), `.${path.basename(destination)}-releases`);
}

export async function writeSite(files: Metalsmith.Files, destination: string, manifest: object): Promise<WriteResult> {
  const releases = releasesDirFor(destination);
  const id = `${timestampId(new Date())}-${process.pid}`;
  const dir = path.join(releases, id);
  const names = Object.keys(files).sort();

  // Folders first (one mkdir each, parents before children), then files with bounded concurrency.
  const folders = [...new Set(names.map((n) => path.dirname(path.join(dir, n))))].sort();
  await fs.mkdir(dir, { recursive: true });
  for (const f of folders) await fs.mkdir(f, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      const file = files[name]!;
      await fs.writeFile(path.join(dir, name), file.contents, { mode: 0o644 });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await fs.writeFile(path.join(dir, '.runbook-smith.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  await swapSymlink(destination, dir);
  await pruneReleases(releases, dir);
  return { releaseDir: dir, files: names.length };
}

/**
 * Keeps the new release and the one before it (a reader may still be reading it), and removes
 * older ones in a detached process, so a large site's delete does not hold up the build.
 */
async function pruneReleases(releases: string, current: string): Promise<void> {
  const entries = await listReleases(releases);
  const keep = new Set([path.basename(current), ...entries.filter((e) => e !== path.basename(current)).slice(-1)]);
  const old = entries.filter((e) => !keep.has(e)).map((e) => path.join(releases, e));
  if (!old.length) return;
  const trash = path.join(releases, `.trash-${process.pid}-${Date.now()}`);
  await fs.mkdir(trash);
  for (const o of old) await fs.rename(o, path.join(trash, path.basename(o)));
  spawn('rm', ['-rf', trash], { detached: true, stdio: 'ignore' }).unref();
}
