/** The benchmark's verdicts, printed tables and bench/results/latest.json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from './builders.ts';
import type { Corpus } from './corpus.ts';
import type { EditLatency } from './edit-latency.ts';
import { RESULTS, ROOT } from './paths.ts';
import { haveGnuTime } from './process.ts';
import type { Snapshot } from './snapshot.ts';
import { gitCommit } from './snapshot.ts';
import { mbs, median, round, secs, table } from './stats.ts';

/**
 * Targets (issue "Both cores, and no slow corner"): ours against the minimal Hugo site, whole
 * process, fresh build without the render cache; peak RSS; 100,000 pages at most 12x the 10,000-page
 * time (when both sizes run in the same bench).
 */
export const TARGETS: Record<number, { vsMinimal?: number; rssMB?: number; vsTenK?: number }> = {
  1000: { vsMinimal: 0.75 },
  10000: { vsMinimal: 0.33, rssMB: 400 },
  100000: { rssMB: 1536, vsTenK: 12 },
};
/** One folder of N pages against the same N pages spread over folders of ~100. */
export const ONE_FOLDER_TARGET = { time: 2, bytesPerPage: 1.3 };

export interface SizeResult {
  corpus: Corpus;
  ours: RunResult[];
  /** Rebuilds with the render cache kept from the run before. */
  oursCached: RunResult[];
  /** Hugo doing the same work as ours (bench/hugo/). */
  hugo: RunResult[];
  /** Hugo doing the least work for the same navigation (bench/hugo-minimal/). */
  hugoMin: RunResult[];
  editLatency?: EditLatency;
}

export interface OneFolderResult {
  n: number;
  spread: SizeResult;
  oneFolder: SizeResult;
}

const ok = (l: RunResult[]) => l.filter((x) => x.ok);
const wall = (l: RunResult[]) => median(ok(l).map((x) => x.wallMs));
const rss = (l: RunResult[]) => median(ok(l).flatMap((x) => (x.rssMB === undefined ? [] : [x.rssMB])));
const cpu = (l: RunResult[]) => median(ok(l).flatMap((x) => (x.cpuSeconds === undefined ? [] : [x.cpuSeconds])));
const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a / b : undefined);

export function summarize(r: SizeResult, which: 'ours' | 'oursCached', all: readonly SizeResult[]) {
  const runs = r[which];
  const oursWall = wall(runs);
  const oursRss = rss(runs);
  const vsFull = ratio(oursWall, wall(r.hugo));
  const vsMinimal = ratio(oursWall, wall(r.hugoMin));
  const stages: Record<string, number> = {};
  const good = ok(runs);
  for (const s of good.length ? Object.keys(good[0]!.stages!) : []) stages[s] = median(good.map((x) => x.stages![s] ?? 0))!;
  const target = TARGETS[r.corpus.n];
  const reasons: string[] = [];
  let verdict: 'PASS' | 'FAIL' | 'n/a' = 'n/a';
  if (target && r.corpus.name === String(r.corpus.n)) {
    if (runs.some((x) => !x.ok) || oursWall === undefined) reasons.push('our build failed');
    if (target.vsMinimal !== undefined) {
      if (vsMinimal === undefined) reasons.push('no minimal-Hugo time to compare with');
      else if (vsMinimal > target.vsMinimal) reasons.push(`ours/hugo-minimal ${vsMinimal.toFixed(2)} > ${target.vsMinimal}`);
    }
    if (target.rssMB !== undefined && (oursRss === undefined || oursRss > target.rssMB)) reasons.push(`peak RSS ${oursRss?.toFixed(0) ?? '?'} MB > ${target.rssMB} MB`);
    if (target.vsTenK !== undefined) {
      const tenK = all.find((x) => x.corpus.name === '10000');
      const t = ratio(oursWall, tenK ? wall(tenK[which]) : undefined);
      if (t === undefined) reasons.push('no 10,000-page time in this run to compare with');
      else if (t > target.vsTenK) reasons.push(`${t.toFixed(1)} x the 10,000-page time > ${target.vsTenK}`);
    }
    verdict = reasons.length ? 'FAIL' : 'PASS';
  }
  return { oursWall, oursRss, oursCpu: cpu(runs), vsFull, vsMinimal, hugoWall: wall(r.hugo), hugoMinWall: wall(r.hugoMin), hugoRss: rss(r.hugo), hugoMinRss: rss(r.hugoMin), hugoCpu: cpu(r.hugo), hugoMinCpu: cpu(r.hugoMin), stages, target, verdict, reasons };
}

export function oneFolderVerdict(r: OneFolderResult) {
  const time = ratio(wall(r.oneFolder.ours), wall(r.spread.ours));
  const perPage = (l: RunResult[]) => median(ok(l).flatMap((x) => (x.outputBytes === undefined ? [] : [x.outputBytes / r.n])));
  const bytes = ratio(perPage(r.oneFolder.ours), perPage(r.spread.ours));
  const reasons: string[] = [];
  if (time === undefined || bytes === undefined) reasons.push('a build failed');
  if (time !== undefined && time > ONE_FOLDER_TARGET.time) reasons.push(`time ${time.toFixed(2)} x > ${ONE_FOLDER_TARGET.time}`);
  if (bytes !== undefined && bytes > ONE_FOLDER_TARGET.bytesPerPage) reasons.push(`bytes per page ${bytes.toFixed(2)} x > ${ONE_FOLDER_TARGET.bytesPerPage}`);
  return { time, bytes, spreadBytesPerPage: perPage(r.spread.ours), oneFolderBytesPerPage: perPage(r.oneFolder.ours), verdict: reasons.length ? 'FAIL' : 'PASS', reasons };
}

function targetText(n: number): string {
  const t = TARGETS[n];
  if (!t) return '-';
  return [t.vsMinimal !== undefined ? `<= ${t.vsMinimal} x hugo-minimal` : '', t.rssMB ? `RSS <= ${t.rssMB} MB` : '', t.vsTenK ? `<= ${t.vsTenK} x 10k time` : ''].filter(Boolean).join(', ');
}

const series = (results: readonly SizeResult[]) => results.flatMap((r) => [[r, 'ours'] as const, ...(r.oursCached.length ? [[r, 'oursCached'] as const] : [])]);
const fix = (x: number | undefined, d = 2) => (x === undefined ? '-' : x.toFixed(d));

export function printResults(results: readonly SizeResult[], oneFolder: readonly OneFolderResult[], runs: number): void {
  const rows = [['corpus', 'ours', 'ours wall', 'ours RSS', 'hugo wall', 'hugo-min wall', 'ours/hugo', 'ours/hugo-min', 'target', 'result', 'ours CPU', 'hugo CPU', 'hugo-min CPU']];
  for (const [r, which] of series(results)) {
    const s = summarize(r, which, results);
    rows.push([
      r.corpus.name,
      which === 'ours' ? 'fresh' : 'rebuild',
      secs(s.oursWall),
      mbs(s.oursRss),
      secs(s.hugoWall),
      secs(s.hugoMinWall),
      fix(s.vsFull),
      fix(s.vsMinimal),
      which === 'ours' ? targetText(r.corpus.n) : '-',
      which === 'ours' ? s.verdict + (s.reasons.length ? ` (${s.reasons.join('; ')})` : '') : '-',
      s.oursCpu === undefined ? '-' : `${s.oursCpu.toFixed(2)} s`,
      s.hugoCpu === undefined ? '-' : `${s.hugoCpu.toFixed(2)} s`,
      s.hugoMinCpu === undefined ? '-' : `${s.hugoMinCpu.toFixed(2)} s`,
    ]);
  }
  console.log(`\nMedians of ${runs} run(s) each, after one warm-up; fresh = no render cache (a new clone), rebuild = render cache from the run before (nothing changed); hugo = bench/hugo (same work as ours), hugo-min = bench/hugo-minimal (least work, same navigation); wall = whole process, RSS = peak (${haveGnuTime() ? 'GNU time %M' : 'child maxRSS'}); CPU = user+sys seconds.\n`);
  console.log(table(rows));
  for (const r of results) {
    const fresh = summarize(r, 'ours', results);
    const cached = r.oursCached.length ? summarize(r, 'oursCached', results) : undefined;
    if (cached && fresh.oursWall !== undefined && cached.oursWall !== undefined) console.log(`${r.corpus.name}: rebuild ${cached.oursWall < fresh.oursWall ? 'faster' : 'NOT faster'} than fresh (${secs(cached.oursWall)} vs ${secs(fresh.oursWall)})`);
  }
  for (const o of oneFolder) {
    const v = oneFolderVerdict(o);
    console.log(`\nOne folder of ${o.n} pages against ${o.spread.corpus.folders} folders: time ${fix(v.time)} x, bytes per page ${fix(v.bytes)} x (${fix(v.oneFolderBytesPerPage, 0)} vs ${fix(v.spreadBytesPerPage, 0)}); target <= ${ONE_FOLDER_TARGET.time} x and <= ${ONE_FOLDER_TARGET.bytesPerPage} x: ${v.verdict}${v.reasons.length ? ` (${v.reasons.join('; ')})` : ''}`);
  }
  for (const [r, which] of series([...results, ...oneFolder.flatMap((o) => [o.spread, o.oneFolder])])) {
    const s = summarize(r, which, results);
    const label = which === 'ours' ? 'our build, fresh' : 'our rebuild, render cache kept';
    const failed = r[which].find((x) => !x.ok);
    if (failed) console.log(`\n${r.corpus.name}: our build FAILED (wall ${secs(failed.wallMs)}, peak RSS ${mbs(failed.rssMB)}):\n${failed.error}`);
    for (const [name, list] of [['Hugo', r.hugo], ['minimal Hugo', r.hugoMin]] as const) {
      const f = list.find((x) => !x.ok);
      if (f) console.log(`\n${r.corpus.name}: ${name} FAILED:\n${f.error}`);
    }
    if (!Object.keys(s.stages).length) continue;
    const rows2 = [['stage', 'median', '% of wall']];
    for (const [k, v] of Object.entries(s.stages)) rows2.push([k, `${v.toFixed(0)} ms`, s.oursWall ? `${((v / s.oursWall) * 100).toFixed(1)} %` : '-']);
    console.log(`\n${r.corpus.name}: ${label}, median per stage (boot = Node start; import = loading build.ts; read+other = read+plugins minus the plugin stages; unaccounted = wall minus all of these):\n`);
    console.log(table(rows2));
    const list = (l: RunResult[]) => l.map((x, i) => `#${i + 1} ${secs(x.wallMs)} ${mbs(x.rssMB)}${x.ok ? '' : ' FAILED'}`).join(', ');
    console.log(`\n${r.corpus.name} runs: ${label} ${list(r[which])}${r.hugo.length ? `; hugo ${list(r.hugo)}` : ''}${r.hugoMin.length ? `; hugo-min ${list(r.hugoMin)}` : ''}`);
    if (r.editLatency && which === 'ours') {
      const e = r.editLatency;
      console.log(`${r.corpus.name} edit latency (${e.method === 'browser' ? 'file written to DOMContentLoaded of the reloaded page in Chromium' : 'edit to served HTML, no browser'}): median ${e.medianMs.toFixed(0)} ms over ${e.samples.length} edits [${e.samples.map((x) => x.toFixed(0)).join(', ')}]; server re-render median ${median(e.serverMs)?.toFixed(0) ?? '-'} ms; target <= 100 ms: ${e.medianMs <= 100 ? 'PASS' : 'FAIL'}`);
      const warm = median(e.warmStartMs);
      if (warm !== undefined) console.log(`${r.corpus.name} npm start with a warm render cache, to serving: median ${(warm / 1000).toFixed(2)} s [${e.warmStartMs.map((x) => (x / 1000).toFixed(2)).join(', ')}]; target <= 3 s: ${warm <= 3000 ? 'PASS' : 'FAIL'}`);
    }
  }
}

/** Merges these corpora into bench/results/latest.json; others already there are kept. */
export function writeResults(results: readonly SizeResult[], oneFolder: readonly OneFolderResult[], runs: number, snapshot: Snapshot, hugo: string | undefined): void {
  let existing: { sizes?: Record<string, unknown>; oneFolder?: Record<string, unknown> } = {};
  try {
    existing = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as typeof existing;
  } catch {
    /* first run */
  }
  const environment = { node: process.version, hugo: hugo ?? null, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGiB: round(os.totalmem() / 2 ** 30, 1), platform: `${os.platform()} ${os.release()}` };
  const runList = (list: RunResult[]) => list.map((x) => ({ ok: x.ok, wallMs: round(x.wallMs), rssMB: round(x.rssMB, 1), cpuSeconds: round(x.cpuSeconds, 2), startCpuPressure: round(x.startPressure, 1), ...(x.outputBytes !== undefined ? { outputBytes: x.outputBytes } : {}), ...(x.error ? { error: x.error.slice(0, 4000) } : {}) }));
  const tool = (list: RunResult[]) => (list.length ? { medianWallMs: round(wall(list)), medianPeakRssMB: round(rss(list), 1), medianCpuSeconds: round(cpu(list), 2), runs: runList(list) } : null);
  const ours = (r: SizeResult, which: 'ours' | 'oursCached') => {
    const s = summarize(r, which, results);
    return { ...tool(r[which]), stagesMedianMs: Object.fromEntries(Object.entries(s.stages).map(([k, v]) => [k, round(v)])), ratioToHugo: round(s.vsFull, 3), ratioToMinimalHugo: round(s.vsMinimal, 3), verdict: s.verdict, reasons: s.reasons };
  };
  const common = { date: new Date().toISOString(), commit: snapshot.commit ?? gitCommit() ?? null, workingTreeDirty: snapshot.dirty, codeSnapshotHash: snapshot.hash, environment, runs };
  const sizes: Record<string, unknown> = { ...(existing.sizes ?? {}) };
  for (const r of results) {
    sizes[r.corpus.name] = {
      ...common,
      pages: r.corpus.n,
      folders: r.corpus.folders,
      ours: ours(r, 'ours'),
      oursRebuildWithCache: r.oursCached.length ? ours(r, 'oursCached') : null,
      hugo: tool(r.hugo),
      hugoMinimal: tool(r.hugoMin),
      target: TARGETS[r.corpus.n] ?? null,
      editLatency: r.editLatency ? { method: r.editLatency.method, medianMs: round(r.editLatency.medianMs), samplesMs: r.editLatency.samples.map((x) => round(x)), serverMedianMs: round(median(r.editLatency.serverMs)), warmStartMs: r.editLatency.warmStartMs.map((x) => round(x)) } : null,
    };
  }
  const folders: Record<string, unknown> = { ...(existing.oneFolder ?? {}) };
  for (const o of oneFolder) {
    const v = oneFolderVerdict(o);
    folders[String(o.n)] = { ...common, spread: { folders: o.spread.corpus.folders, ...tool(o.spread.ours) }, oneFolder: tool(o.oneFolder.ours), timeRatio: round(v.time, 3), bytesPerPageRatio: round(v.bytes, 3), target: ONE_FOLDER_TARGET, verdict: v.verdict, reasons: v.reasons };
  }
  const byNumber = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : 1)).map((k) => [k, o[k]]));
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify({ generator: 'bench/bench.ts', sizes: byNumber(sizes), oneFolder: byNumber(folders) }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(ROOT, RESULTS)}`);
}
