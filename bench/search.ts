/**
 * Search speed alone (also part of `npm run bench`):
 *
 *   npx tsx bench/search.ts [--sizes 1000,10000] [--against <git revision>] [--rounds 2]
 *
 * Measures the working tree (no snapshot): see bench/lib/search-speed.ts. With `--against`, the
 * revision (git archive) and the working tree are measured in turn, `--rounds` times each, so both
 * see the same machine load; prints each run and the median first-result times of each side.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCorpus, type Corpus } from './lib/corpus.ts';
import { ROOT, WORK } from './lib/paths.ts';
import { measureSearch, printSearch, type SearchSpeed } from './lib/search-speed.ts';
import { median } from './lib/stats.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/**
 * The revision's files in their own folder, sharing this checkout's installed packages but not its
 * node_modules/.cache, where scripts/run.mjs keeps the build's bundle: shared, one side's bundle was
 * reused for the other whenever its sources were older (the revision's files carry its commit time).
 */
function checkout(rev: string): string {
  const dir = path.join(WORK, `search-against-${rev.replace(/[^\w.-]/g, '_')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], { input: execFileSync('git', ['archive', '--format=tar', rev], { cwd: ROOT, maxBuffer: 1 << 30 }) });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry !== '.cache') fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  return dir;
}

/**
 * The corpus as the side's own code would generate it: a corpus carries copies of the project's
 * layouts and assets (the browser's search engine among them), so the revision gets its own.
 */
function corpusOf(corpus: Corpus, code: string): Corpus {
  if (code === ROOT) return corpus;
  const dir = path.join(WORK, `corpus-${corpus.name}-${path.basename(code)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(corpus.dir, dir, { recursive: true });
  for (const d of ['layouts', 'assets']) {
    fs.rmSync(path.join(dir, d), { recursive: true, force: true });
    fs.cpSync(path.join(code, d), path.join(dir, d), { recursive: true });
  }
  return { ...corpus, dir };
}

const sizes = (option('--sizes') ?? '1000,10000').split(',').map(Number);
const against = option('--against');
const rounds = Number(option('--rounds') ?? 2);
const sides: [string, string][] = against ? [[against, checkout(against)], ['working tree', ROOT]] : [['working tree', ROOT]];
for (const n of sizes) {
  const corpus = ensureCorpus(n);
  const corpora = new Map(sides.map(([, code]) => [code, corpusOf(corpus, code)]));
  const runs = new Map<string, SearchSpeed[]>(sides.map(([label]) => [label, []]));
  for (let round = 0; round < (against ? rounds : 1); round++) {
    for (const [label, code] of sides) {
      const r = await measureSearch(code, corpora.get(code)!);
      runs.get(label)!.push(r);
      if (against) process.stdout.write(`${label}: `);
      printSearch(r);
    }
  }
  if (against) {
    for (const [label, list] of runs) {
      const phone = median(list.map((r) => r.firstResultMs['slow-4g'])) ?? NaN;
      const build = median(list.map((r) => r.indexBuildMs)) ?? NaN;
      const typed = median(list.map((r) => r.typedToResultMs['slow-4g'])) ?? NaN;
      console.log(`N=${n} ${label}: median first result ${phone} ms (Slow 4G 150 ms, 4x CPU; ${typed} ms from the query typed), index build ${build.toFixed(0)} ms, first query ${((median(list.map((r) => r.firstQueryBytes)) ?? NaN) / 1024).toFixed(1)} KB`);
    }
  }
}
