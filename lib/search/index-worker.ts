/**
 * The search index built on a worker thread (the second core) while the main thread lays out and
 * writes the pages: the index's ~2.5 s at 10,000 pages leaves the build's critical path
 * (docs/decisions.md#search-worker). The input goes over as one buffer (lib/search/index-input.ts),
 * moved, not copied; the pieces come back as one buffer, moved too, and are handed out as views of it.
 *
 * The worker is given a few lines of JavaScript (as lib/site/archive.ts does) that bundle this file
 * with esbuild inside the worker, so neither the build's own bundle (scripts/run.mjs) nor tsx has
 * to know about a second entry point, and the main thread pays nothing for it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { buildSearchIndex, type IndexPlan } from './build-index.ts';
import { decodeInput, transferables, type EncodedInput } from './index-input.ts';

interface Task {
  esbuild: string;
  dir: string;
  input: EncodedInput;
  synonyms: string[][];
  plan: IndexPlan;
}

interface Answer {
  names?: string[];
  sizes?: number[];
  bytes?: Uint8Array;
  error?: string;
}

/** Runs in the worker: bundles serveIndexWorker() with esbuild (async: the worker's own thread) and runs it. */
const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.esbuild)
  .build({
    stdin: { contents: "import { serveIndexWorker } from './index-worker.ts'; serveIndexWorker();", resolveDir: workerData.dir, sourcefile: 'search-worker.ts', loader: 'ts' },
    bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent',
  })
  .then((r) => new Function('require', r.outputFiles[0].text)(require))
  .catch((err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

/** This folder's TypeScript sources: beside this file, or, run from the build's bundle (node_modules/.cache/runbook-smith/), in lib/search/ of the project. */
function sourceDir(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? path.dirname(here) : path.resolve(path.dirname(here), '../../../lib/search');
}

/** Whether this checkout can build the index on a worker (its sources are there to bundle). */
export function workerAvailable(): boolean {
  return fs.existsSync(path.join(sourceDir(), 'index-worker.ts'));
}

/**
 * The code that makes the pieces from the input (the builder and the tokenizer), for the index's
 * hash: a page must never name old pieces' URL for new bytes (they are served `immutable`). Read
 * from the sources, so the build's bundle and the TypeScript give the same hash; without comments
 * and runs of white space, so editing a comment does not rename every piece.
 */
export function indexCode(): string[] {
  const dir = sourceDir();
  return [path.join(dir, 'build-index.ts'), path.join(dir, '../../assets/js/search-tokens.js')].map((f) =>
    fs
      .readFileSync(f, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
      .replace(/\s+/g, ' '),
  );
}

/**
 * Starts building the index of the encoded input on a worker; `input` is moved to it (unusable here
 * afterwards). Resolves with the pieces by name.
 */
export function buildIndexInWorker(input: EncodedInput, synonyms: string[][], plan: IndexPlan): Promise<Map<string, Buffer>> {
  const task: Task = { esbuild: createRequire(import.meta.url).resolve('esbuild'), dir: sourceDir(), input, synonyms, plan };
  const worker = new Worker(BOOT, { eval: true, workerData: task, transferList: transferables(input) });
  return new Promise((resolve, reject) => {
    worker.once('message', (a: Answer) => {
      worker.removeAllListeners('exit');
      void worker.terminate();
      if (a.error !== undefined) return reject(new Error(`the search index could not be built: ${a.error}`));
      const pieces = new Map<string, Buffer>();
      const bytes = a.bytes!;
      let at = 0;
      a.names!.forEach((name, i) => {
        pieces.set(name, Buffer.from(bytes.buffer, bytes.byteOffset + at, a.sizes![i]!));
        at += a.sizes![i]!;
      });
      resolve(pieces);
    });
    worker.once('error', (err) => reject(new Error(`the search index's worker failed: ${err.message}`, { cause: err })));
    worker.once('exit', (code) => reject(new Error(`the search index's worker stopped (exit code ${code})`)));
  });
}

/** The worker's side: builds the index of workerData's input and answers with every piece in one buffer. */
export function serveIndexWorker(): void {
  const task = workerData as Task;
  try {
    const pages = decodeInput(task.input);
    task.input.texts.length = 0; // decoded: the bytes can go
    const index = buildSearchIndex(pages, { synonyms: task.synonyms, plan: task.plan });
    const names = [...index.pieces.keys()];
    const sizes = names.map((n) => index.pieces.get(n)!.length);
    const bytes = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const n of names) {
      bytes.set(index.pieces.get(n)!, at);
      at += index.pieces.get(n)!.length;
    }
    parentPort!.postMessage({ names, sizes, bytes } satisfies Answer, [bytes.buffer]);
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) } satisfies Answer);
  }
}
