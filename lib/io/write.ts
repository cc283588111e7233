/**
 * Writes the site atomically. Metalsmith's own write deletes the destination and then writes into
 * it, so a reader sees a half-empty site for the whole write (docs/decisions.md#atomic-write).
 * Instead every build writes a fresh release directory
 * next to the destination, and the destination (a symlink) is swapped to it with one rename
 * (lib/io/release.ts): a web server reading `build/` sees the old site or the new one, never a mix.
 *
 * No fault loses the site (docs/decisions.md, "Faults: build"): a release is written under a hidden
 * name (`.partial-<id>`) and gets its real name only once complete, so a build killed half-way
 * leaves something no one lists, serves or counts as a release; a build that fails at any point,
 * while writing too (a full disk), removes what it wrote; the next build removes what killed builds
 * left; and the release `build` pointed at before a build is always kept.
 */
import { spawn } from 'node:child_process';
import fsCallback, { constants as fsConstants, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Metalsmith from 'metalsmith';
import { killPoint } from './kill-point.ts';
import { currentRelease, swapSymlink, timestampId } from './release.ts';
import { isAlive } from './fs-util.ts';
import { RunbookSmithError } from '../core/errors.ts';

export interface WriteResult {
  releaseDir: string;
  files: number;
}

/** Written last into a release: a release folder without it is not a complete build. */
export const BUILD_MANIFEST = '.runbook-smith.json';
/** Prefix of a release still being written (hidden: listReleases and nginx skip dotfiles). */
const PARTIAL = '.partial-';
/** A release's name: `<UTC timestamp>-<pid of the build>`. */
const RELEASE_NAME = /^\d{8}T\d{9}Z-(\d+)$/;

/** Writing the site failed (a full or read-only disk): one line that names the destination. */
export class WriteError extends RunbookSmithError {
  constructor(readonly destination: string, cause: unknown) {
    super(`could not write the site to ${destination}: ${writeFailure(cause)}`, { cause });
    this.name = 'WriteError';
  }
}

function writeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EACCES':
    case 'EPERM':
      return `permission denied${e.path ? ` on ${e.path}` : ''}`;
    default:
      return e?.code ? `${e.code}${e.path ? ` on ${e.path}` : ''}` : String((err as Error)?.message ?? err);
  }
}

/**
 * `mkdir -p` on a read-only disk fails with ENOENT, which names no cause: then the error of
 * writing to the nearest folder that exists (EROFS, EACCES) is the one to report.
 */
async function realCause(dir: string, err: unknown): Promise<unknown> {
  if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') return err;
  let at = path.resolve(dir);
  while (!(await fs.stat(at).then(() => true, () => false)) && path.dirname(at) !== at) at = path.dirname(at);
  return fs.access(at, fsConstants.W_OK).then(() => err, (denied: unknown) => denied);
}

/** Where a destination's releases live: `build` -> `.build-releases/` beside it. */
export function releasesDirFor(destination: string): string {
  return path.join(path.dirname(destination), `.${path.basename(destination)}-releases`);
}

/**
 * Writes one release directory. Pages can be handed over as soon as they are rendered (the layout
 * stage does), so the disk writes run on libuv's threads while the main thread renders the next
 * page; `finish` writes whatever is left, then switches the destination to the release.
 * The queue is not bounded and writes are plain async calls, because every alternative tried
 * (bounded queue, yielding, background mkdir, a writer thread, synchronous writes) was slower
 * (docs/decisions.md#write-queue).
 */
export class ReleaseWriter {
  /** The release, once complete. */
  readonly dir: string;
  /** Where it is written until then. */
  private readonly staging: string;
  private readonly releases: string;
  private renamed = false;
  /** Files handed over already (a stage hands a file over only once no later stage changes it), each settled once on disk or failed. */
  private readonly written = new Map<string, Promise<void>>();
  private readonly folders = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private writes = 0;
  private failure: unknown;

  constructor(private readonly destination: string, private readonly concurrency = 64) {
    this.releases = releasesDirFor(destination);
    const id = `${timestampId(new Date())}-${process.pid}`;
    this.dir = path.join(this.releases, id);
    this.staging = path.join(this.releases, `${PARTIAL}${id}`);
  }

  /** Starts writing one file (path relative to the site root), given whole or in pieces; returns at once. */
  write(name: string, contents: Buffer | Buffer[]): void {
    const file = path.join(this.staging, name);
    const work = this.slot()
      .then(() => this.folder(path.dirname(file)))
      .then(() => writePieces(file, Array.isArray(contents) ? contents : [contents]))
      .finally(() => {
        this.running--;
        this.waiting.shift()?.();
      });
    this.track(name, work);
    if (++this.writes === 10) killPoint('build:mid-write'); // the 10th file given whole (pieces to come are counted in `written` too)
  }

  /** Starts writing one file whose contents come later (the search index, from its worker); returns at once. */
  writeWhenReady(name: string, contents: Promise<Buffer>): void {
    const file = path.join(this.staging, name);
    this.track(
      name,
      contents.then((c) =>
        this.slot()
          .then(() => this.folder(path.dirname(file)))
          .then(() => writePieces(file, [c]))
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          }),
      ),
    );
  }

  /** Starts writing one file from a stream (the offline archive, as it is made); returns at once. */
  writeStream(name: string, source: NodeJS.ReadableStream): void {
    const file = path.join(this.staging, name);
    this.track(name, this.folder(path.dirname(file)).then(() => pipeline(source, createWriteStream(file, { mode: 0o644 }))));
  }

  /**
   * Writes the files not written yet (or changed since) and the manifest, gives the release its
   * name, swaps the destination to it, then removes older releases and leftovers. Throws WriteError
   * when anything before the swap fails; the caller then aborts.
   */
  async finish(files: Metalsmith.Files, manifest: object): Promise<WriteResult> {
    const names = Object.keys(files).sort();
    for (const name of names) if (!this.written.has(name)) this.write(name, files[name]!.contents);
    await this.settle();
    if (this.failure) throw new WriteError(this.destination, await realCause(this.releases, this.failure));
    let previous: string | undefined;
    try {
      await fs.mkdir(this.staging, { recursive: true });
      await fs.writeFile(path.join(this.staging, BUILD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      await fs.rename(this.staging, this.dir);
      this.renamed = true;
      killPoint('build:before-swap');
      previous = await currentRelease(this.destination);
      await swapSymlink(this.destination, this.dir);
    } catch (err) {
      throw new WriteError(this.destination, await realCause(this.releases, err));
    }
    // The site is published: what is left is tidying, which the next build retries if it fails here.
    await removeOldReleases(this.releases, [path.basename(this.dir), previous]).catch(() => undefined);
    return { releaseDir: this.dir, files: names.length };
  }

  /** Whether a file was handed over (its contents then live on disk, not in memory). */
  handedOver(name: string): boolean {
    return this.written.has(name);
  }

  /**
   * A file handed over already, read back from the release being written once it is on disk (the
   * offline copy reads each page as soon as it is written, not after them all), into `into` (a view
   * of it) when it fits, so a reader can reuse its buffers.
   */
  async readBackInto(name: string, into: Buffer): Promise<Buffer> {
    await this.written.get(name);
    if (this.failure) throw this.failure;
    return readInto(path.join(this.staging, name), into);
  }

  /**
   * A failed build: what it wrote is removed (the destination was never touched), and so is what
   * killed builds left. The release the destination points at is kept, whatever its name.
   */
  async abort(): Promise<void> {
    await this.settle();
    await fs.rm(this.staging, { recursive: true, force: true });
    if (this.renamed) await fs.rm(this.dir, { recursive: true, force: true });
    const current = await currentRelease(this.destination).catch(() => undefined);
    await removeLeftovers(this.releases, [current]).catch(() => undefined);
  }

  /** A write under way: its failure is the build's (the first one is kept), finish() waits for it, readers can wait for it. */
  private track(name: string, work: Promise<unknown>): void {
    const task: Promise<void> = work
      .then(() => undefined)
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
    this.written.set(name, task);
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
function writePieces(file: string, pieces: Buffer[]): Promise<void> {
  // The callback API, like readInto: a FileHandle per file was a measurable share of writing 10,000 pages.
  return new Promise((resolve, reject) => {
    fsCallback.open(file, 'w', 0o644, (err, fd) => {
      if (err) return reject(err);
      const done = (error: Error | null) => fsCallback.close(fd, (closeErr) => (error ?? closeErr ? reject(error ?? closeErr) : resolve()));
      const next = (rest: Buffer[]) => {
        if (!rest.length) return done(null);
        fsCallback.writev(fd, rest, (we, written) => (we ? done(we) : next(skipBytes(rest, written))));
      };
      next(pieces.filter((p) => p.length > 0));
    });
  });
}

/** The pieces left after the first `n` bytes. */
function skipBytes(pieces: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < pieces.length && n >= pieces[i]!.length) n -= pieces[i++]!.length;
  if (i === pieces.length) return [];
  return [pieces[i]!.subarray(n), ...pieces.slice(i + 1)];
}

/**
 * Keeps the new release and the one the destination pointed at before it (a reader may still be
 * reading it), and removes everything else: older releases and the leftovers of killed builds.
 * The release before is the one that was published, not the newest name: a build killed after
 * renaming its release, before the swap, leaves a newer name that was never published.
 */
async function removeOldReleases(releases: string, keep: (string | undefined)[]): Promise<void> {
  await removeEntries(releases, keep, true);
}

/** The leftovers of killed builds (partial releases, releases never published, trash), keeping `keep`. */
async function removeLeftovers(releases: string, keep: (string | undefined)[]): Promise<void> {
  await removeEntries(releases, keep, false);
}

/**
 * Moves what is to go into one trash folder and deletes it in a detached process, so a large
 * site's delete does not hold up the build. A partial release of a build still running (its pid
 * alive) is left alone; one of a dead build is a leftover. With `all`, complete releases not kept
 * go too (a successful build); without, only partial releases and trash (a failed build).
 */
async function removeEntries(releases: string, keep: (string | undefined)[], all: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(releases);
  } catch {
    return;
  }
  const kept = new Set(keep.filter((k): k is string => Boolean(k)));
  const doomed = entries.filter((name) => {
    if (kept.has(name)) return false;
    if (name.startsWith('.trash-')) return true;
    if (name.startsWith(PARTIAL)) return !isAlive(Number(RELEASE_NAME.exec(name.slice(PARTIAL.length))?.[1]));
    return all && RELEASE_NAME.test(name); // a folder not named like ours is left alone
  });
  if (!doomed.length) return;
  const trash = path.join(releases, `.trash-${process.pid}-${Date.now()}`);
  await fs.mkdir(trash);
  for (const d of doomed) await fs.rename(path.join(releases, d), path.join(trash, d));
  spawn('rm', ['-rf', trash], { detached: true, stdio: 'ignore' }).unref();
}

/**
 * A whole file into `into` when it fits, else into a new buffer; through the callback API, whose
 * descriptors are plain numbers: the promise API's FileHandle objects cost ~5 s of a 10,000-page
 * build's offline copy (docs/decisions.md#archive-cost).
 */
function readInto(file: string, into: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fsCallback.open(file, 'r', (err, fd) => {
      if (err) return reject(err);
      const done = (error: Error | null, result?: Buffer) => fsCallback.close(fd, () => (error ? reject(error) : resolve(result!)));
      fsCallback.fstat(fd, (e, st) => {
        if (e) return done(e);
        const buffer = st.size <= into.length ? into : Buffer.allocUnsafe(st.size);
        const next = (at: number) => {
          if (at >= st.size) return done(null, buffer.subarray(0, at));
          fsCallback.read(fd, buffer, at, st.size - at, at, (re, n) => (re ? done(re) : n ? next(at + n) : done(null, buffer.subarray(0, at))));
        };
        next(0);
      });
    });
  });
}
