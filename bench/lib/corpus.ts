/** Generated corpora, cached in bench/.work/ and regenerated only when the generator or the layouts change. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GENERATOR_VERSION, folderCount, generate } from '../generate.ts';
import { BENCH, ROOT, WORK } from './paths.ts';

export interface Corpus {
  /** Folder name under bench/.work/ and label in the report: `10000`, or `20000-in-1-folder`. */
  name: string;
  n: number;
  dir: string;
  folders: number;
  generatedMs?: number;
}

function generatorStamp(n: number, folders: number): string {
  const source = fs.readFileSync(path.join(BENCH, 'generate.ts'));
  const layouts = ['layouts', 'assets'].flatMap((d) => listFiles(path.join(ROOT, d)).map((f) => `${f}:${fs.statSync(f).size}:${fs.statSync(f).mtimeMs}`));
  const hash = createHash('sha256').update(source).update(layouts.join('\n')).digest('hex').slice(0, 16);
  return JSON.stringify({ version: GENERATOR_VERSION, n, folders, hash });
}

export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** The corpus of n pages in `folders` folders (default: about 100 pages a folder), generated if needed. */
export function ensureCorpus(n: number, folders = folderCount(n)): Corpus {
  const name = folders === folderCount(n) ? String(n) : `${n}-in-${folders}-folder${folders === 1 ? '' : 's'}`;
  const dir = path.join(WORK, `corpus-${name}`);
  const stampFile = path.join(dir, '.generated.json');
  const stamp = generatorStamp(n, folders);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    console.log(`corpus ${name}: cached in ${path.relative(ROOT, dir)}`);
    return { name, n, dir, folders };
  }
  const t0 = performance.now();
  const r = generate(dir, n, folders);
  fs.writeFileSync(stampFile, stamp);
  const generatedMs = performance.now() - t0;
  console.log(`corpus ${name}: generated ${r.pages} pages in ${r.folders} folders, ${(r.bytes / 1e6).toFixed(1)} MB, in ${(generatedMs / 1000).toFixed(1)} s -> ${path.relative(ROOT, dir)}`);
  return { name, n, dir, folders: r.folders, generatedMs };
}
