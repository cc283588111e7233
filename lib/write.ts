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

/**
 * Writes one release directory. Pages can be handed over as soon as they are rendered (the layout
 * stage does), so the disk writes run on libuv's threads while the main thread renders the next
 * page; `finish` writes whatever is left, then switches the destination to the release.
 * On this machine's disk the writes are bound by its throughput: at 10,000 benchmark pages
 * (~300 MB) about 3 s of writing is still left when rendering ends. Limiting how many pages may
 * wait for the disk made the whole build slower, so the queue is not bounded. Letting the writes
 * move during rendering (the layout stage yielding to the event loop every 32 pages) did not help
 * either: layout + write took 7.6 s and 10.6 s against 7.7 s and 7.9 s without, at 10,000 pages.
 * (Most of that spread came from writing right after deleting the previous build's 10,000 files:
 * 0.8-1.3 s into untouched space, 2-6 s right after an `rm -rf` of the last output; see
 * clearOutput in bench/bench.ts.)
 * Making the release's 10,000 folders in the background from the permalinks stage on helped a
 * build right after such a delete (13.5-14.1 s -> 9.4-10.0 s) but slowed the usual case
 * (write 2.2-2.7 s against 1.25-1.5 s, 3 runs each, alternating): the 10,000 mkdir calls queue
 * ahead of the file writes on libuv's threads. Not used.
 * The time goes into the kernel taking the pages: on this VM the page cache filled at ~50 MB/s
 * during the write (/proc/meminfo Dirty), and 10,000 writes of 22 KB took 0.57 s to 13 s
 * in a bare script depending on the moment. Nor did a writer thread doing the writes one after
 * another with synchronous calls (pages handed over by transfer, no copy): write phase 9.1-9.5 s
 * against 8.7-8.9 s here, three runs each alternating, and peak RSS ~600 MB instead of ~510.
 * Writing each page synchronously from the layout stage (a string, through Node's C++ UTF-8 path,
 * so no Buffer is made) was worse still: layout + write 7.3-15.5 s against 4.4-8.0 s.
 */
export class ReleaseWriter {
  readonly dir: string;
  private readonly releases: string;
  /** Files handed over already (a stage hands a file over only once no later stage changes it). */
  private readonly written = new Set<string>();
  private readonly folders = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private failure: unknown;

  constructor(private readonly destination: string, private readonly concurrency = 64) {
    this.releases = releasesDirFor(destination);
    this.dir = path.join(this.releases, `${timestampId(new Date())}-${process.pid}`);
  }

  /** Starts writing one file (path relative to the site root), given whole or in pieces; returns at once. */
  write(name: string, contents: Buffer | Buffer[]): void {
    this.written.add(name);
    const task = this.slot()
      .then(() => this.folder(path.dirname(path.join(this.dir, name))))
      .then(() => (Array.isArray(contents) ? writePieces(path.join(this.dir, name), contents) : fs.writeFile(path.join(this.dir, name), contents, { mode: 0o644 })))
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.running--;
        this.waiting.shift()?.();
        this.pending.delete(task);
      });
    this.pending.add(task);
  }

  /** Writes the files not written yet (or changed since), the manifest, then swaps the destination. */
  async finish(files: Metalsmith.Files, manifest: object): Promise<WriteResult> {
    const names = Object.keys(files).sort();
    for (const name of names) if (!this.written.has(name)) this.write(name, files[name]!.contents);
    await this.settle();
    if (this.failure) throw this.failure;
    await fs.writeFile(path.join(this.dir, '.runbook-smith.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await swapSymlink(this.destination, this.dir);
    await pruneReleases(this.releases, this.dir);
    return { releaseDir: this.dir, files: names.length };
  }

  /** A failed build: the half-written release is removed; the destination was never touched. */
  async abort(): Promise<void> {
    await this.settle();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private folder(dir: string): Promise<unknown> {
    let made = this.folders.get(dir);
    if (!made) this.folders.set(dir, (made = fs.mkdir(dir, { recursive: true })));
    return made;
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.running++, resolve())));
  }
}

/** One file from several Buffers, with one writev (looping while the kernel takes less than all). */
async function writePieces(file: string, pieces: Buffer[]): Promise<void> {
  const fh = await fs.open(file, 'w', 0o644);
  try {
    let rest = pieces.filter((p) => p.length > 0);
    while (rest.length) {
      const { bytesWritten } = await fh.writev(rest);
      rest = skipBytes(rest, bytesWritten);
    }
  } finally {
    await fh.close();
  }
}

/** The pieces left after the first `n` bytes. */
function skipBytes(pieces: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < pieces.length && n >= pieces[i]!.length) n -= pieces[i++]!.length;
  if (i === pieces.length) return [];
  return [pieces[i]!.subarray(n), ...pieces.slice(i + 1)];
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
