/**
 * A zip archive written as it is filled: files are deflated on a worker thread (the second core),
 * in batches, while the build reads and rewrites the next ones, and handed to yazl in the order
 * added, so the archive's bytes do not depend on timing. yazl's output is streamed to disk by the caller; adding
 * waits while too many files are in flight or too much output is not drained, so a few files are
 * in memory, not the site (docs/decisions.md#archive-cost).
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ZipFile } from 'yazl';

// Added to yazl by patches/yazl+3.3.1.patch: an entry deflated by the caller, with its CRC and size.
declare module 'yazl' {
  interface ZipFile {
    addDeflatedBuffer(compressed: Buffer, metadataPath: string, options: { mtime: Date; mode: number; uncompressedSize: number; crc32: number }): void;
  }
}

export interface ArchiveOptions {
  /** zlib's level, 1 (fastest) to 9 (smallest). */
  level: number;
  /** Every entry's date: a fixed one, so two builds of the same input make the same archive. */
  mtime: Date;
}

/** Files go to the worker in batches of up to this many bytes (or BATCH_FILES files): one message each way a batch, not a file. */
const BATCH_BYTES = 512 * 1024;
const BATCH_FILES = 256;
/** Batches sent to the worker and not yet in the archive, at most. */
const IN_FLIGHT = 4;
/** Bytes of archive not yet taken by the reader before add() waits. */
const UNDRAINED_LIMIT = 8 * 1024 * 1024;

/**
 * The worker: zlib per file, synchronously (per small file, zlib's own thread pool cost more CPU
 * than the deflating). A batch is one buffer of files back to back; the answer is one buffer of
 * their deflated bytes back to back, with each one's CRC and length. Plain JavaScript given as a
 * string, so the build's bundle needs no second entry point.
 */
const DEFLATER = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, buffer, sizes }) => {
  try {
    const input = Buffer.from(buffer);
    const parts = [], crcs = [], lengths = [];
    let at = 0, total = 0;
    for (const size of sizes) {
      const file = input.subarray(at, at + size);
      at += size;
      const deflated = zlib.deflateRawSync(file, { level: workerData.level });
      parts.push(deflated);
      crcs.push(zlib.crc32(file));
      lengths.push(deflated.length);
      total += deflated.length;
    }
    // One buffer of exactly these bytes, to be moved back (a Buffer may sit in Node's shared pool).
    const bytes = new Uint8Array(total);
    at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    parentPort.postMessage({ id, bytes, crcs, lengths }, [bytes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

interface Deflated {
  id: number;
  bytes?: Uint8Array;
  crcs?: number[];
  lengths?: number[];
  error?: string;
}

interface Batch {
  buffer: Buffer<ArrayBuffer>;
  used: number;
  names: string[];
  sizes: number[];
}

export class ZipArchive {
  /** The archive's bytes, to be drained by the caller while files are added. */
  readonly output: NodeJS.ReadableStream;
  private readonly zip: ZipFile;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (d: Deflated) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private batch: Batch | undefined;
  /** Batches sent and not yet in the archive, oldest first; each waits for the one before. */
  private readonly queue: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(ZipFileClass: typeof ZipFile, private readonly options: ArchiveOptions) {
    this.zip = new ZipFileClass();
    // A checkout installed before the patch existed has a yazl without it: say how to fix that.
    if (typeof this.zip.addDeflatedBuffer !== 'function') throw new Error('yazl is not patched for the offline copy (patches/yazl+3.3.1.patch): run `npm install` once to apply it');
    this.output = this.zip.outputStream;
    this.worker = new Worker(DEFLATER, { eval: true, workerData: { level: options.level } });
    this.worker.unref(); // never what keeps a finished build's process alive
    this.worker.on('message', (d: Deflated) => {
      const w = this.waiting.get(d.id);
      this.waiting.delete(d.id);
      if (d.error !== undefined) w?.reject(new Error(`could not compress a file of the offline copy: ${d.error}`));
      else w?.resolve(d);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`the offline copy's compressor stopped (exit code ${code})`)));
  }

  /** Adds a file (its bytes are copied at once, so they may be reused); waits while the archive is behind. */
  async add(name: string, contents: Buffer): Promise<void> {
    if (this.batch && this.batch.used + contents.length > this.batch.buffer.length) await this.send();
    // A buffer of its own (never a slice of Node's shared pool), so it can be moved to the worker.
    this.batch ??= { buffer: Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, contents.length)), used: 0, names: [], sizes: [] };
    const batch = this.batch;
    batch.used += contents.copy(batch.buffer, batch.used);
    batch.names.push(name);
    batch.sizes.push(contents.length);
    if (batch.names.length >= BATCH_FILES) await this.send();
  }

  /** Waits for every file, then writes the central directory; the output ends after it. */
  async end(): Promise<void> {
    try {
      if (this.batch) await this.send();
      await this.last;
      this.zip.end();
      this.ended = true;
    } finally {
      await this.close();
    }
  }

  /**
   * Stops the worker (after end(), or when the build gives up). Given up, the output is destroyed, so
   * whatever is writing it to disk fails and stops waiting for an end that would never come.
   */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    if (!this.ended && this.output instanceof Readable) this.output.destroy(new Error('the offline copy was not finished'));
  }

  /** Sends the batch being filled to the worker; its files join the archive, in order, when it answers. */
  private async send(): Promise<void> {
    const { buffer, names, sizes } = this.batch!;
    this.batch = undefined;
    const id = this.nextId++;
    const deflated = new Promise<Deflated>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    const moved = buffer.buffer;
    this.worker.postMessage({ id, buffer: moved, sizes }, [moved]);
    const previous = this.last;
    this.last = Promise.all([deflated, previous]).then(([d]) => {
      const all = Buffer.from(d.bytes!.buffer, d.bytes!.byteOffset, d.bytes!.byteLength);
      let at = 0;
      for (let i = 0; i < names.length; i++) {
        const length = d.lengths![i]!;
        this.zip.addDeflatedBuffer(all.subarray(at, at + length), names[i]!, { mtime: this.options.mtime, mode: 0o100644, uncompressedSize: sizes[i]!, crc32: d.crcs![i]! });
        at += length;
      }
    });
    this.last.catch(() => undefined); // a failure is thrown by add() or end(), whichever awaits it first
    this.queue.push(this.last);
    while (this.queue.length >= IN_FLIGHT) await this.queue.shift();
    const out = this.output;
    while (out instanceof Readable && out.readableLength > UNDRAINED_LIMIT && !out.destroyed) await new Promise((resolve) => setImmediate(resolve));
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
