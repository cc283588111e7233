/**
 * The builders the benchmark runs, each as a fresh process on a corpus: ours (through the launcher
 * `npm run build` uses), Hugo with the same work as ours (bench/hugo/: highlighting, link checks) and
 * Hugo doing the least work for the same navigation (bench/hugo-minimal/: no highlighting, no render
 * hooks), the hardest Hugo to beat.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Corpus } from './corpus.ts';
import { listFiles } from './corpus.ts';
import { BENCH, ROOT, WORK } from './paths.ts';
import { measure } from './process.ts';
import { clearOutput, waitForQuiet } from './quiet.ts';

export interface RunResult {
  ok: boolean;
  wallMs: number;
  rssMB?: number;
  /** Ours only: build()'s stages plus boot/import/exit, in ms. */
  stages?: Record<string, number>;
  pages?: number;
  error?: string;
  cpuSeconds?: number;
  /** CPU pressure (some avg10, %) when the run started; >= QUIET_PSI means another load was running. */
  startPressure?: number;
  /** Bytes of the published site (ours only). */
  outputBytes?: number;
}

export type HugoSite = 'hugo' | 'hugo-minimal';

const mb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);

/** Total size of the files under dir (the site's bytes on disk, before compression). */
export function treeBytes(dir: string): number {
  let total = 0;
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile()) total += fs.statSync(full).size;
      else if (e.isSymbolicLink() && fs.statSync(full).isDirectory()) visit(fs.realpathSync(full));
    }
  };
  if (fs.existsSync(dir)) visit(dir);
  return total;
}

export async function runOurs(code: string, corpus: Corpus, cache?: string): Promise<RunResult> {
  const out = path.join(WORK, `out-${corpus.name}`, 'ours');
  clearOutput(out);
  const startPressure = await waitForQuiet();
  // Through scripts/run.mjs, the launcher `npm run build` uses (a cached esbuild bundle), so start-up
  // is what users get; the warm-up run builds the bundle.
  const m = await measure(process.execPath, [path.join(code, 'scripts', 'run.mjs'), 'bench/run-build.ts', '--root', corpus.dir, '--source', 'src', '--destination', path.join(out, 'site'), ...(cache ? ['--cache', cache] : [])], code);
  const line = m.stdout.trim().split('\n').pop() ?? '';
  let report: Record<string, unknown> | undefined;
  try {
    report = JSON.parse(line) as Record<string, unknown>;
  } catch {
    /* crashed before printing */
  }
  const childRssMB = typeof report?.maxRSS === 'number' ? report.maxRSS / 1024 : undefined;
  const rssMB = mb(m.timeMaxRssKB) ?? childRssMB;
  const outputBytes = m.ok ? treeBytes(path.join(out, 'site')) : undefined;
  if (!m.ok || !report?.ok) {
    const why = [
      `exit ${m.code ?? m.signal}${m.signal === 'SIGKILL' ? ' (killed: timeout or out of memory)' : ''}`,
      report?.error ? String(report.error) : '',
      report?.cause ? `caused by: ${String(report.cause)}` : '',
      report?.problems ? `problems (${String(report.problemCount)}): ${JSON.stringify(report.problems).slice(0, 2000)}` : '',
      m.stderr.trim().split('\n').slice(-30).join('\n'),
    ]
      .filter(Boolean)
      .join('\n');
    return { ok: false, wallMs: m.wallMs, rssMB, error: why, startPressure, cpuSeconds: m.cpuSeconds };
  }
  const timings = report.timings as Record<string, number>;
  const stages: Record<string, number> = { boot: report.boot as number, import: report.import as number };
  let plugins = 0;
  for (const [k, v] of Object.entries(timings)) {
    if (k === 'read+plugins' || k === 'write' || k === 'start-up') continue; // start-up: a moment (ms since process start), not a stage
    stages[k] = v;
    plugins += v;
  }
  // build() times 'read+plugins' as a whole; reading the files (and Metalsmith's own work) is the rest.
  if (timings['read+plugins'] !== undefined) stages['read+other'] = timings['read+plugins'] - plugins;
  if (timings.write !== undefined) stages.write = timings.write;
  const accounted = Object.values(stages).reduce((a, b) => a + b, 0);
  // Context, scanSource, pipeline setup, and process exit (GC, handles) after build() returned.
  stages['unaccounted'] = m.wallMs - accounted;
  return { ok: true, wallMs: m.wallMs, rssMB, stages, pages: report.pages as number, startPressure, cpuSeconds: m.cpuSeconds, outputBytes };
}

/** `hugo version`, or undefined when Hugo is not installed. */
export async function findHugo(): Promise<string | undefined> {
  try {
    const m = await measure('hugo', ['version'], ROOT);
    return m.ok ? m.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

export async function runHugo(site: HugoSite, corpus: Corpus): Promise<RunResult> {
  const out = path.join(WORK, `out-${corpus.name}`, site);
  clearOutput(out);
  const startPressure = await waitForQuiet();
  const m = await measure(
    'hugo',
    ['--quiet', '--noBuildLock', '--cacheDir', path.join(WORK, 'hugo-cache'), '-s', path.join(BENCH, site), '--contentDir', path.join(corpus.dir, 'hugo-content'), '-d', out],
    ROOT,
  );
  if (!m.ok) return { ok: false, wallMs: m.wallMs, rssMB: mb(m.timeMaxRssKB), startPressure, cpuSeconds: m.cpuSeconds, error: `exit ${m.code ?? m.signal}\n${(m.stderr + m.stdout).trim().split('\n').slice(-30).join('\n')}` };
  const pages = listFiles(out).filter((f) => f.endsWith(`${path.sep}index.html`)).length;
  return { ok: true, wallMs: m.wallMs, rssMB: mb(m.timeMaxRssKB), pages, startPressure, cpuSeconds: m.cpuSeconds };
}
