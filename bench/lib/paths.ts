/** Where the benchmark keeps its work: corpora, outputs and the code snapshot (gitignored). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const WORK = path.join(BENCH, '.work');
export const RESULTS = path.join(BENCH, 'results', 'latest.json');
