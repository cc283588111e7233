/**
 * Build benchmark: our build against Hugo on the same generated corpus.
 *
 *   npm run bench -- [--sizes 1000,10000] [--runs 3] [--no-hugo] [--edit-latency] [--one-folder 20000] [--ref <rev>] [--no-search]
 *
 * For each size N: the corpus is generated once (bench/generate.ts, cached in bench/.work/); then one
 * warm-up and --runs counted runs, each a fresh process, interleaved so that drift of the machine hits
 * all alike: ours "fresh" (no render cache, as a new clone), ours "rebuild" (the render cache the
 * warm-up filled), Hugo with the same work as ours (bench/hugo/) and Hugo with the least work for the
 * same navigation (bench/hugo-minimal/). `--one-folder N` also builds N pages in one folder against
 * the same N pages in folders of ~100. `--edit-latency` times edits in `npm start`.
 * Prints medians, per-stage times and PASS/FAIL against the targets (bench/lib/report.ts) and merges
 * the results into bench/results/latest.json. The code measured is a snapshot taken at the start
 * (bench/lib/snapshot.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findHugo, runHugo, runOurs, type HugoSite, type RunResult } from './lib/builders.ts';
import { ensureCorpus, type Corpus } from './lib/corpus.ts';
import { measureEditLatency } from './lib/edit-latency.ts';
import { ROOT, WORK } from './lib/paths.ts';
import { GNU_TIME, haveGnuTime } from './lib/process.ts';
import { emptyTrash } from './lib/quiet.ts';
import { printResults, summarize, oneFolderVerdict, writeResults, type OneFolderResult, type SizeResult } from './lib/report.ts';
import { measureSearch, printSearch, type SearchSpeed } from './lib/search-speed.ts';
import { takeSnapshot } from './lib/snapshot.ts';
import { mbs, secs } from './lib/stats.ts';

interface Options {
  sizes: number[];
  runs: number;
  hugo: boolean;
  editLatency: boolean;
  /** Also build this many pages in one folder against the same pages spread over folders. */
  oneFolder?: number;
  /** Measure this git revision (`git archive`) instead of the working tree. */
  ref?: string;
  /** Search speed per size (bench/lib/search-speed.ts); `--no-search` skips it. */
  search: boolean;
}

const USAGE = 'Usage: npm run bench -- [--sizes 1000,10000] [--runs 3] [--no-hugo] [--edit-latency] [--one-folder 20000] [--ref <git revision>] [--no-search]';

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [1000, 10000], runs: 3, hugo: true, editLatency: false, search: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') o.sizes = value().split(',').filter(Boolean).map((s) => Number(s.trim()));
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--no-hugo') o.hugo = false;
    else if (a === '--no-search') o.search = false;
    else if (a === '--edit-latency') o.editLatency = true;
    else if (a === '--one-folder') o.oneFolder = Number(value());
    else if (a === '--ref') o.ref = value();
    else throw new Error(`unknown option ${a}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes positive integers, e.g. 1000,10000');
  if (o.oneFolder !== undefined && (!Number.isInteger(o.oneFolder) || o.oneFolder < 2)) throw new Error('--one-folder takes a number of pages, e.g. 20000');
  if (!o.sizes.length && o.oneFolder === undefined) throw new Error('nothing to measure');
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs takes a positive integer');
  return o;
}

/** Warm-up, then `runs` counted rounds of every builder in turn; a builder that fails once is not run again. */
async function measureCorpus(code: string, corpus: Corpus, runs: number, hugoSites: HugoSite[], withCache: boolean): Promise<SizeResult> {
  const r: SizeResult = { corpus, ours: [], oursCached: [], hugo: [], hugoMin: [] };
  const cache = path.join(WORK, `render-cache-${corpus.name}`);
  fs.rmSync(cache, { recursive: true, force: true }); // the rebuild series' warm-up fills it
  const log = (who: string, label: string, x: RunResult) =>
    console.log(`  ${corpus.name} ${who} ${label}: ${secs(x.wallMs)}, ${mbs(x.rssMB)}${x.cpuSeconds !== undefined ? `, CPU ${x.cpuSeconds.toFixed(2)} s` : ''}${x.startPressure !== undefined ? `, start CPU pressure ${x.startPressure}%` : ''}${x.ok ? '' : ` FAILED: ${x.error?.split('\n').slice(0, 3).join(' / ')}`}`);
  const builders: { who: string; list: RunResult[]; run: () => Promise<RunResult> }[] = [
    { who: 'ours', list: r.ours, run: () => runOurs(code, corpus) },
    ...(withCache ? [{ who: 'ours rebuild', list: r.oursCached, run: () => runOurs(code, corpus, cache) }] : []),
    ...hugoSites.map((site) => ({ who: site, list: site === 'hugo' ? r.hugo : r.hugoMin, run: () => runHugo(site, corpus) })),
  ];
  const broken = new Set<string>();
  for (const b of builders) {
    const x = await b.run();
    log(b.who, 'warm-up', x);
    if (!x.ok) {
      broken.add(b.who);
      b.list.push(x); // a failing build fails the same way every time: record it once
    }
  }
  for (let i = 1; i <= runs; i++) {
    for (const b of builders) {
      if (broken.has(b.who)) continue;
      const x = await b.run();
      log(b.who, `run ${i}`, x);
      b.list.push(x);
      if (!x.ok) broken.add(b.who);
    }
  }
  return r;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  fs.mkdirSync(WORK, { recursive: true });
  emptyTrash(); // left by an interrupted bench; the warm-up runs come after this
  if (!haveGnuTime()) console.warn(`bench: ${GNU_TIME} not found (Debian: apt-get install time); peak RSS of ours comes from the child itself, Hugo's is not measured.`);
  const hugo = options.hugo ? await findHugo() : undefined;
  const hugoSites: HugoSite[] = hugo ? ['hugo', 'hugo-minimal'] : [];
  console.log(`node ${process.version}; ${hugo ?? (options.hugo ? 'hugo not found on PATH: ours only' : 'hugo skipped (--no-hugo)')}; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const snapshot = takeSnapshot(options.ref);
  console.log(`code under test: snapshot ${snapshot.hash} of commit ${snapshot.commit?.slice(0, 7) ?? '?'}${snapshot.dirty ? ' + uncommitted changes' : ''} -> ${path.relative(ROOT, snapshot.dir)}`);

  const results: SizeResult[] = [];
  const searches: SearchSpeed[] = [];
  for (const n of options.sizes) {
    const r = await measureCorpus(snapshot.dir, ensureCorpus(n), options.runs, n <= 20_000 ? hugoSites : [], true);
    if (options.editLatency) r.editLatency = await measureEditLatency(snapshot.dir, r.corpus, 10);
    if (options.search) searches.push(await measureSearch(snapshot.dir, r.corpus));
    results.push(r);
  }
  const oneFolder: OneFolderResult[] = [];
  if (options.oneFolder) {
    const n = options.oneFolder;
    const spread = await measureCorpus(snapshot.dir, ensureCorpus(n), options.runs, [], false);
    const single = await measureCorpus(snapshot.dir, ensureCorpus(n, 1), options.runs, [], false);
    oneFolder.push({ n, spread, oneFolder: single });
  }

  emptyTrash();
  printResults(results, oneFolder, options.runs);
  for (const s of searches) printSearch(s);
  writeResults(results, oneFolder, options.runs, snapshot, hugo);
  const failed = results.some((r) => summarize(r, 'ours', results).verdict === 'FAIL') || oneFolder.some((o) => oneFolderVerdict(o).verdict === 'FAIL');
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 2;
  },
);
