/**
 * The render cache: each page's HTML as the markdown and headings stages left it, kept between
 * builds, so a rebuild renders only the pages whose text changed.
 *
 * Rendering and heading extraction are among the costliest stages, yet between two merges most pages
 * have not changed (docs/decisions.md#render-cache). An entry is found by a hash of exactly what those two stages
 * read: the Markdown after templating, with the HTML the helpers produced written out in place
 * of its placeholders (lib/markdown/shield.ts HtmlStash). Everything else they depend on is code (md4c
 * and its options, highlight.js, the heading slugs), so the cache file is named after a hash of
 * the code and of package-lock.json: any change to either starts a new, empty cache.
 *
 * The file lives in node_modules/.cache/runbook-smith/ (where tools keep caches; `npm ci` and a
 * fresh clone start without it), holds one record per page (format below), and is replaced with
 * one rename, so a build that dies mid-write leaves the old file. A file that cannot be read is ignored: the
 * build is then a cold one, never a wrong one. `--no-cache` (or RUNBOOK_SMITH_CACHE=0) skips it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { Diagnostics } from '../core/diagnostics.ts';
import type { CacheEntry, RenderedPage } from '../core/page.ts';
import { walk } from './walk.ts';


/**
 * File format: `RSC1`, then one record per page: its key (27 ASCII characters, a base64url
 * SHA-1), the payload's length (uint32 LE) and the payload (v8.serialize of a RenderedPage).
 * Only the keys and offsets are kept in memory: a record is read from the file when its page asks
 * for it, and a page rendered now goes straight to the next file, because holding them in memory
 * pushed a 10,000-page build over its memory target (docs/decisions.md#render-cache).
 */
const MAGIC = Buffer.from('RSC1');
const KEY_BYTES = 27;
const HEAD_BYTES = KEY_BYTES + 4;

interface Span {
  start: number;
  end: number;
}

export class RenderCache {
  /** Pages this build took from the cache. */
  hits = 0;
  /** Keys of the old file's records used by this build (copied to the next file if it is written). */
  private readonly reused = new Map<string, Span>();
  /** Keys written to the next file already. */
  private readonly written = new Set<string>();
  private next: { fd: number; file: string } | undefined;
  /** Bytes for the next file not written yet: written in chunks of ~1 MB, not two calls a page. */
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** Why the next file could not be written (then nothing more is tried; `save` throws it). */
  private failure: unknown;

  private constructor(
    readonly file: string,
    /** The old file, open for reading records (closed by `save` or `discard`). */
    private fd: number | undefined,
    private readonly index: Map<string, Span>,
  ) {}

  /** Opens the cache in `dir` (created on save). A missing or unreadable file is an empty cache. */
  static open(dir: string, version: string = codeVersion()): RenderCache {
    const file = path.join(dir, `pages-${version}.v8`);
    const index = new Map<string, Span>();
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const data = fs.readFileSync(fd);
      if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a render cache');
      for (let at = MAGIC.length; at < data.length; ) {
        const key = data.toString('latin1', at, at + KEY_BYTES);
        const end = at + HEAD_BYTES + data.readUInt32LE(at + KEY_BYTES);
        if (end > data.length) throw new Error('cut short');
        index.set(key, { start: at, end });
        at = end;
      }
    } catch {
      // none yet, or unreadable (a damaged or cut-short file): start empty
      index.clear();
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    }
    return new RenderCache(file, fd, index);
  }

  /**
   * The cache key of a page: a hash of the text the markdown stage renders. SHA-1, not for
   * security but because a key only has to differ when the text does and it is the faster hash
   * (docs/decisions.md#render-cache).
   */
  key(text: string): string {
    return crypto.createHash('sha1').update(text).digest('base64url');
  }

  /**
   * Looks a page's key up. The markdown stage hands the answer to the headings stage on the page
   * (`Page.renderCache`), which stores the result when it was not found.
   */
  lookup(key: string): CacheEntry {
    const at = this.index.get(key);
    let hit: RenderedPage | undefined;
    if (at && this.fd !== undefined) {
      try {
        hit = v8.deserialize(this.read(at).subarray(HEAD_BYTES)) as RenderedPage;
        this.reused.set(key, at);
        this.hits++;
      } catch {
        hit = undefined; // a damaged record: render the page
      }
    }
    return { key, hit };
  }

  /**
   * The key under which a source file's bytes are recorded as scanned for secrets and clean
   * (plugins/secrets.ts): its own namespace, never a page's key.
   */
  secretsKey(bytes: Buffer): string {
    return crypto.createHash('sha1').update('secrets\0').update(bytes).digest('base64url');
  }

  /** Whether these bytes (by secretsKey) were scanned by this code and held no secret; kept for the next build when so. */
  secretFree(key: string): boolean {
    const at = this.index.get(key);
    if (at) this.reused.set(key, at);
    return at !== undefined;
  }

  /** Records bytes (by secretsKey) scanned by this build and found clean: an empty record. */
  markSecretFree(key: string): void {
    if (this.written.has(key) || this.failure) return;
    const head = Buffer.alloc(HEAD_BYTES);
    head.write(key, 0, KEY_BYTES, 'latin1');
    try {
      this.append(head);
    } catch (err) {
      this.failure = err;
    }
    this.written.add(key);
  }

  /** Stores a page rendered by this build: appended to the next file at once. */
  set(key: string, page: RenderedPage): void {
    if (this.written.has(key) || this.failure) return;
    const payload = v8.serialize(page);
    const head = Buffer.alloc(HEAD_BYTES);
    head.write(key, 0, KEY_BYTES, 'latin1');
    head.writeUInt32LE(payload.length, KEY_BYTES);
    try {
      this.append(head);
      this.append(payload);
    } catch (err) {
      this.failure = err; // the build goes on: the cache is only ever a speed-up
    }
    this.written.add(key);
  }

  /**
   * Makes the next file the cache: this build's new records plus the old ones it used (so pages
   * deleted since drop out). Nothing is written when nothing changed. Renamed into place, so a
   * build that stops half-way leaves the old file; older versions' files are removed.
   */
  save(): boolean {
    const changed = this.written.size > 0 || this.reused.size !== this.index.size;
    try {
      if (this.failure) throw this.failure;
      if (changed) for (const [key, span] of this.reused) if (!this.written.has(key)) this.append(this.read(span));
      if (!changed || !this.next) return false;
      this.flush();
      const next = this.next;
      this.next = undefined;
      fs.closeSync(next.fd);
      try {
        fs.renameSync(next.file, this.file);
      } catch (err) {
        fs.rmSync(next.file, { force: true });
        throw err;
      }
    } finally {
      this.discard(); // closes the old file; drops a next file that did not become the cache
    }
    const dir = path.dirname(this.file);
    for (const name of fs.readdirSync(dir)) {
      if (/^pages-.*\.v8$/.test(name) && path.join(dir, name) !== this.file) fs.rmSync(path.join(dir, name), { force: true });
    }
    return true;
  }

  /** A failed build (or a cache that could not be written): the next file is dropped, the old one stays. */
  discard(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (!this.next) return;
    fs.closeSync(this.next.fd);
    fs.rmSync(this.next.file, { force: true });
    this.next = undefined;
  }

  /** The folder the cache lives in. */
  get dir(): string {
    return path.dirname(this.file);
  }

  private read(span: Span): Buffer {
    const buf = Buffer.allocUnsafe(span.end - span.start);
    fs.readSync(this.fd!, buf, 0, buf.length, span.start);
    return buf;
  }

  private append(bytes: Buffer): void {
    if (!this.next) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const file = `${this.file}.${process.pid}.tmp`;
      this.next = { fd: fs.openSync(file, 'w'), file };
      this.buffered.push(MAGIC);
    }
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes > 1 << 20) this.flush();
  }

  private flush(): void {
    fs.writeSync(this.next!.fd, Buffer.concat(this.buffered));
    this.buffered = [];
    this.bufferedBytes = 0;
  }
}

/** Where the command line keeps a project's cache: with other tools' caches, in node_modules. */
export function cacheDirFor(root: string): string {
  return path.join(root, 'node_modules', '.cache', 'runbook-smith');
}

/** What the summary line says about the cache: ` (57 unchanged pages reused)`, or nothing. */
export function reusedText(hits: number): string {
  return hits ? ` (${hits} unchanged pages reused)` : '';
}

/** Whether the command line uses the cache: unless `--no-cache` or RUNBOOK_SMITH_CACHE=0. */
export function cacheWanted(args: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return !args.includes('--no-cache') && env.RUNBOOK_SMITH_CACHE !== '0';
}

/**
 * Saves the cache after a run; a cache that cannot be written is a warning about its folder,
 * never a failed build (the cache is only ever a speed-up).
 */
export function saveOrWarn(cache: RenderCache, diagnostics: Diagnostics): void {
  try {
    cache.save();
  } catch (err) {
    diagnostics.reportFile(cache.dir, {
      code: 'cache/write',
      severity: 'warning',
      message: `the render cache could not be saved: ${(err as Error).message}`,
      hint: 'The site was built; the next build renders every page again. Check the free disk space and that node_modules/.cache/runbook-smith is a writable folder, or build with --no-cache.',
      cause: err,
    });
  }
}

/**
 * A hash of the code that turns Markdown into a page's HTML: this project's own stages and
 * libraries (the bundle `npm run build` runs, or the TypeScript sources), Node's major version
 * (the file format) and the exact version of every package.
 */
export function codeVersion(): string {
  const hash = crypto.createHash('sha256');
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const root = path.resolve(path.dirname(here), '../..');
    for (const dir of ['lib', 'plugins']) {
      for (const { full, rel } of walk(path.join(root, dir))) {
        if (/\.(ts|mts|mjs)$/.test(rel)) hash.update(`${dir}/${rel}\0`).update(fs.readFileSync(full));
      }
    }
  } else {
    hash.update(fs.readFileSync(here)); // the bundle: all of it
  }
  // The exact version of every package (package-lock.json): conservative, and needs no list.
  const root = here.endsWith('.ts') ? path.resolve(path.dirname(here), '../..') : path.resolve(path.dirname(here), '../../..');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
  hash.update(process.versions.node.split('.')[0]!);
  return hash.digest('base64url').slice(0, 16);
}
