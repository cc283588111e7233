/**
 * Build benchmark (issue "Fast at any size"): our build against Hugo on the same generated corpus.
 *
 *   npm run bench -- [--sizes 1000,10000] [--runs 3] [--no-hugo] [--edit-latency] [--ref <rev>]
 *
 * For each size N:
 *  1. generate the corpus once (bench/generate.ts), cached in bench/.work/corpus-N/ and regenerated
 *     only when the generator changes;
 *  2. one warm-up and --runs counted builds of OUR build, each in a fresh process
 *     (`node scripts/run.mjs bench/run-build.ts ...`, which prints build()'s per-stage timings as JSON),
 *     twice over: "fresh", with no render cache (a fresh clone, as the first CI build), and
 *     "rebuild", with the render cache the warm-up filled (lib/render-cache.ts: every later build in
 *     the same checkout, or in CI with the cache restored); each is compared with Hugo,
 *     and, when `hugo` is on PATH, the same of Hugo (`hugo -s bench/hugo --contentDir ...`),
 *     interleaved (ours, hugo, ours, hugo...) so slow drift of the machine hits both alike;
 *  3. wall time = the whole child process, spawn to exit, measured here; peak RSS = the child's
 *     maximum resident set size from GNU time (`/usr/bin/time -f %M`, Debian package `time`),
 *     or, without it, what the child reports (process.resourceUsage().maxRSS; ours only);
 *  4. prints medians and PASS/FAIL against the targets, and merges the results for these sizes
 *     into bench/results/latest.json (fixed key order, rounded, so diffs are readable).
 * Every output directory is deleted (and `sync`ed) before each run, outside the timed part.
 *
 * The code measured is a snapshot of the project taken when the bench starts (bench/.work/snapshot/,
 * node_modules linked), so edits made to the working tree during a long run do not mix versions;
 * its hash and the git commit (and whether the tree was dirty) go into the results. `--ref HEAD`
 * (or any revision) measures that commit instead (`git archive`), with the current run-build.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from '../test/helpers/chromium.ts';
import { GENERATOR_VERSION, folderCount, generate } from './generate.ts';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const WORK = path.join(BENCH, '.work');
const RESULTS = path.join(BENCH, 'results', 'latest.json');
const GNU_TIME = '/usr/bin/time';
const RUN_TIMEOUT_MS = 30 * 60_000;

/** Targets from the issue: ours/hugo wall-time ratio at most `ratio`, peak RSS at most `rssMB`. */
const TARGETS: Record<number, { ratio: number; rssMB?: number }> = {
  1000: { ratio: 1 },
  10000: { ratio: 0.5, rssMB: 600 },
};

interface Options {
  sizes: number[];
  runs: number;
  hugo: boolean;
  editLatency: boolean;
  /** Measure this git revision (`git archive`) instead of the working tree. */
  ref?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [1000, 10000], runs: 3, hugo: true, editLatency: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') o.sizes = value().split(',').map((s) => Number(s.trim()));
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--no-hugo') o.hugo = false;
    else if (a === '--edit-latency') o.editLatency = true;
    else if (a === '--ref') o.ref = value();
    else throw new Error(`unknown option ${a}`);
  }
  if (!o.sizes.length || o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes positive integers, e.g. 1000,10000');
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs takes a positive integer');
  return o;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Measured {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Peak RSS in KB from GNU time, if it ran the child. */
  timeMaxRssKB?: number;
  /** User + system CPU seconds of the child, from GNU time: less sensitive to other load than wall time. */
  cpuSeconds?: number;
  stdout: string;
  stderr: string;
}

let gnuTime: boolean | undefined;
function haveGnuTime(): boolean {
  if (gnuTime === undefined) {
    try {
      fs.accessSync(GNU_TIME, fs.constants.X_OK);
      gnuTime = true;
    } catch {
      gnuTime = false;
    }
  }
  return gnuTime;
}

/** Runs a command to completion; wall time is spawn to exit, peak RSS from GNU time when present. */
function measure(command: string, args: string[], cwd: string): Promise<Measured> {
  const rssFile = path.join(WORK, `.rss-${process.pid}`);
  const useTime = haveGnuTime();
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      let timeMaxRssKB: number | undefined;
      let cpuSeconds: number | undefined;
      if (useTime) {
        try {
          // GNU time writes "Command exited with non-zero status N" before the format on failure.
          const last = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
          const f = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(last);
          if (f) {
            timeMaxRssKB = Number(f[1]);
            cpuSeconds = Number(f[2]) + Number(f[3]);
          }
          fs.rmSync(rssFile, { force: true });
        } catch {
          /* no file: time itself failed */
        }
      }
      resolve({ ok: code === 0, code, signal, wallMs, timeMaxRssKB, cpuSeconds, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Corpus

interface Corpus {
  n: number;
  dir: string;
  folders: number;
  generatedMs?: number;
}

function generatorStamp(n: number): string {
  const source = fs.readFileSync(path.join(BENCH, 'generate.ts'));
  const layouts = ['layouts', 'assets'].flatMap((d) => listFiles(path.join(ROOT, d)).map((f) => `${f}:${fs.statSync(f).size}:${fs.statSync(f).mtimeMs}`));
  const hash = createHash('sha256').update(source).update(layouts.join('\n')).digest('hex').slice(0, 16);
  return JSON.stringify({ version: GENERATOR_VERSION, n, hash });
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function ensureCorpus(n: number): Corpus {
  const dir = path.join(WORK, `corpus-${n}`);
  const stampFile = path.join(dir, '.generated.json');
  const stamp = generatorStamp(n);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    console.log(`corpus ${n}: cached in ${path.relative(ROOT, dir)}`);
    return { n, dir, folders: folderCount(n) };
  }
  const t0 = performance.now();
  const r = generate(dir, n);
  fs.writeFileSync(stampFile, stamp);
  const generatedMs = performance.now() - t0;
  console.log(`corpus ${n}: generated ${r.pages} pages in ${r.folders} folders, ${(r.bytes / 1e6).toFixed(1)} MB, in ${(generatedMs / 1000).toFixed(1)} s -> ${path.relative(ROOT, dir)}`);
  return { n, dir, folders: r.folders, generatedMs };
}

// ---------------------------------------------------------------------------------------------
// Snapshot of the code under test

/** Top-level entries not needed to run a build (and bench/, of which only run-build.ts is copied). */
const NOT_SNAPSHOTTED = new Set(['.git', 'node_modules', 'build', '.build-releases', 'bench', 'test', '.github', '.ci', 'deploy', 'src']);

interface Snapshot {
  dir: string;
  hash: string;
  commit: string | null;
  dirty: boolean | null;
}

function takeSnapshot(ref: string | undefined): Snapshot {
  const dir = path.join(WORK, 'snapshot');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'bench'), { recursive: true });
  if (ref) {
    const tar = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    for (const e of fs.readdirSync(ROOT, { withFileTypes: true })) {
      if (NOT_SNAPSHOTTED.has(e.name) || e.name.startsWith('build.pre-release-') || e.name.startsWith('.build-') || e.isSymbolicLink()) continue;
      fs.cpSync(path.join(ROOT, e.name), path.join(dir, e.name), { recursive: true });
    }
  }
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  fs.copyFileSync(path.join(BENCH, 'run-build.ts'), path.join(dir, 'bench', 'run-build.ts'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const hash = createHash('sha256');
  for (const f of listFiles(dir)) {
    if (f.startsWith(path.join(dir, 'node_modules'))) continue;
    hash.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  if (ref) {
    const commit = execFileSync('git', ['rev-parse', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
    return { dir, hash: hash.digest('hex').slice(0, 16), commit, dirty: false };
  }
  let dirty: boolean | null = null;
  try {
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  } catch {
    /* no git */
  }
  return { dir, hash: hash.digest('hex').slice(0, 16), commit: gitCommit() ?? null, dirty };
}

let snapshot: Snapshot | undefined;

// ---------------------------------------------------------------------------------------------
// The two builders

interface RunResult {
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
}

/**
 * Moves a previous run's output out of the way (into bench/.work/trash/, one rename) and flushes the
 * page cache's dirty pages (`sync`), outside the timed part, so one run's writeback does not land
 * in the next run's time. The trash is deleted once all timed runs are over (emptyTrash).
 *
 * Why not delete it here: on this VM (ext4 mounted with `discard`, one virtual disk) writing a
 * build's ~10,000 files right after deleting the last build's took far longer than writing them
 * into untouched space, and waiting did not help. Our write stage at 10,000 pages: 2.0-6.1 s after
 * `rm -rf` of the previous output (with or without `sync` and 8 s of sleep), 0.77-1.3 s into a new
 * folder with nothing deleted (4 runs each). A CI build starts from a fresh clone, with no
 * previous output to delete, so that is what both tools are measured on. Hugo, mostly CPU-bound,
 * was 22-31 s either way.
 */
function clearOutput(dir: string): void {
  if (fs.existsSync(dir)) {
    fs.mkdirSync(TRASH, { recursive: true });
    fs.renameSync(dir, path.join(TRASH, `${path.basename(path.dirname(dir))}-${path.basename(dir)}-${process.hrtime.bigint()}`));
  }
  try {
    execFileSync('sync');
  } catch {
    /* no sync(1): carry on */
  }
}

const TRASH = path.join(WORK, 'trash');

/** Deletes the outputs clearOutput set aside (after the timed runs, and at start after an interrupted bench). */
function emptyTrash(): void {
  fs.rmSync(TRASH, { recursive: true, force: true });
  try {
    execFileSync('sync');
  } catch {
    /* no sync(1): carry on */
  }
}

/**
 * Other work on this machine (tests, another build) makes the times meaningless. Before each run,
 * wait (up to QUIET_MAX_WAIT_MS) until the CPU pressure of the last 10 s (/proc/pressure/cpu,
 * "some avg10") drops below QUIET_PSI percent. Returns the pressure the run started with.
 */
const QUIET_PSI = 10;
const QUIET_MAX_WAIT_MS = 20_000;
function cpuPressure(): number | undefined {
  try {
    const m = /^some avg10=([\d.]+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
async function waitForQuiet(): Promise<number | undefined> {
  const t0 = performance.now();
  let p = cpuPressure();
  while (p !== undefined && p >= QUIET_PSI && performance.now() - t0 < QUIET_MAX_WAIT_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    p = cpuPressure();
  }
  const waited = performance.now() - t0;
  if (waited > 1500) console.log(`    (waited ${(waited / 1000).toFixed(0)} s for the machine to be quiet: CPU pressure now ${p}%${p !== undefined && p >= QUIET_PSI ? ', gave up: this run is contended' : ''})`);
  return p;
}

const mb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);

async function runOurs(corpus: Corpus, cache?: string): Promise<RunResult> {
  const out = path.join(WORK, `out-${corpus.n}`, 'ours');
  clearOutput(out);
  const startPressure = await waitForQuiet();
  const code = snapshot?.dir ?? ROOT;
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
    if (k === 'read+plugins' || k === 'write') continue;
    stages[k] = v;
    plugins += v;
  }
  // build() times 'read+plugins' as a whole; reading the files (and Metalsmith's own work) is the rest.
  if (timings['read+plugins'] !== undefined) stages['read+other'] = timings['read+plugins'] - plugins;
  if (timings.write !== undefined) stages.write = timings.write;
  const accounted = Object.values(stages).reduce((a, b) => a + b, 0);
  // Context, scanSource, pipeline setup, and process exit (GC, handles) after build() returned.
  stages['unaccounted'] = m.wallMs - accounted;
  return { ok: true, wallMs: m.wallMs, rssMB, stages, pages: report.pages as number, startPressure, cpuSeconds: m.cpuSeconds };
}

let hugoVersion: string | undefined | null = null;
async function findHugo(): Promise<string | undefined> {
  if (hugoVersion !== null) return hugoVersion;
  try {
    const m = await measure('hugo', ['version'], ROOT);
    hugoVersion = m.ok ? m.stdout.trim() : undefined;
  } catch {
    hugoVersion = undefined;
  }
  return hugoVersion;
}

async function runHugo(corpus: Corpus): Promise<RunResult> {
  const out = path.join(WORK, `out-${corpus.n}`, 'hugo');
  clearOutput(out);
  const startPressure = await waitForQuiet();
  const m = await measure(
    'hugo',
    ['--quiet', '--noBuildLock', '--cacheDir', path.join(WORK, 'hugo-cache'), '-s', path.join(BENCH, 'hugo'), '--contentDir', path.join(corpus.dir, 'hugo-content'), '-d', out],
    ROOT,
  );
  if (!m.ok) return { ok: false, wallMs: m.wallMs, rssMB: mb(m.timeMaxRssKB), startPressure, cpuSeconds: m.cpuSeconds, error: `exit ${m.code ?? m.signal}\n${(m.stderr + m.stdout).trim().split('\n').slice(-30).join('\n')}` };
  const pages = listFiles(out).filter((f) => f.endsWith(`${path.sep}index.html`)).length;
  return { ok: true, wallMs: m.wallMs, rssMB: mb(m.timeMaxRssKB), pages, startPressure, cpuSeconds: m.cpuSeconds };
}

// ---------------------------------------------------------------------------------------------
// Edit latency (hook for the dev server, scripts/dev.ts, not written yet)

export interface EditLatency {
  /** ms from writing a changed page to the change being visible, per edit. */
  samples: number[];
  medianMs: number;
  /** 'browser': Debian Chromium showed the reloaded page; 'http': the served HTML changed (no browser here). */
  method: 'browser' | 'http';
  /** The dev server's own time per update (from its log), for comparison. */
  serverMs: number[];
  /** 'browser': time until the harness saw the change (includes its polling across the reload). */
  observedMs: number[];
}

export interface DevServer {
  /** Base URL, e.g. http://127.0.0.1:4321 */
  url: string;
  /** The server's log lines so far. */
  log: string[];
  stop(): Promise<void>;
}

/** `npm start` for the corpus (through the same launcher), on a free port; resolves when serving. */
async function startDevServer(corpus: Corpus): Promise<DevServer> {
  const code = snapshot?.dir ?? ROOT;
  const child = spawn(process.execPath, [path.join(code, 'scripts', 'run.mjs'), 'scripts/dev.ts', '--port', '0'], { cwd: corpus.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev server not ready after 180 s:\n${log.join('\n')}`)), 180_000);
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line) continue;
        log.push(line);
        const m = /Serving (http:\/\/localhost:\d+)\//.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => reject(new Error(`dev server exited (${c}):\n${log.join('\n')}`)));
  });
  return {
    url,
    log,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Edit to reloaded page: with the page open in Debian's Chromium (live reload connected), a page's
 * file is rewritten with a unique marker; the time is taken when the reloaded page shows it.
 * Without Chromium, the time until the served HTML changes (method 'http').
 */
async function measureEditLatency(corpus: Corpus, edits: number): Promise<EditLatency> {
  const server = await startDevServer(corpus);
  const rel = 'dir-0001/page-0001';
  const file = path.join(corpus.dir, 'src', `${rel}.md`);
  const original = fs.readFileSync(file, 'utf8');
  const samples: number[] = [];
  const observed: number[] = [];
  const useBrowser = fs.existsSync(CHROMIUM);
  const browser = useBrowser ? await launchChromium() : undefined;
  try {
    const page = await browser?.newPage();
    if (page) {
      await page.goto(`${server.url}/${rel}/`);
      await page.waitForFunction(() => (window as { __rsLiveReload?: boolean }).__rsLiveReload === true);
    }
    for (let i = 0; i < edits; i++) {
      const marker = `edit-latency-marker-${process.pid}-${i}`;
      await new Promise((r) => setTimeout(r, 300)); // let the previous edit settle
      const t0 = performance.now();
      const wroteAt = performance.timeOrigin + t0; // epoch ms, the clock the page's timestamps use
      fs.writeFileSync(file, `${original}\n${marker}\n`);
      if (page) {
        await page.waitForFunction((m) => document.body?.textContent?.includes(m), marker, { timeout: 60_000, polling: 'raf' });
        observed.push(performance.now() - t0);
        // The reloaded page's own DOMContentLoaded, on the same clock as the write: free of the
        // harness's polling delay across the navigation.
        const shownAt = await page.evaluate(() => performance.timeOrigin + (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd);
        samples.push(shownAt - wroteAt);
        continue;
      } else {
        for (;;) {
          const res = await fetch(`${server.url}/${rel}/`).catch(() => undefined);
          if (res?.ok && (await res.text()).includes(marker)) break;
          if (performance.now() - t0 > 60_000) throw new Error('edit not visible after 60 s');
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      samples.push(performance.now() - t0);
    }
  } finally {
    fs.writeFileSync(file, original); // hard link: hugo-content sees the original again too
    await browser?.close();
    await server.stop();
    // The server's own account of each edit, for when a sample looks wrong.
    fs.writeFileSync(path.join(WORK, `dev-server-${corpus.n}.log`), `${server.log.join('\n')}\n`);
  }
  const serverMs = server.log.flatMap((l) => {
    const m = /re-rendered .* in (\d+) ms/.exec(l);
    return m ? [Number(m[1])] : [];
  });
  return { samples, medianMs: median(samples)!, method: useBrowser ? 'browser' : 'http', serverMs, observedMs: observed };
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

function median(xs: readonly number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number | undefined, digits = 0) => (x === undefined ? null : Number(x.toFixed(digits)));
const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const mbs = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(0)} MB`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

interface SizeResult {
  n: number;
  folders: number;
  ours: RunResult[];
  /** Rebuilds with the render cache kept from the run before. */
  oursCached: RunResult[];
  hugo: RunResult[];
  editLatency?: EditLatency;
}

function summarize(r: SizeResult, which: 'ours' | 'oursCached' = 'ours') {
  const okOurs = r[which].filter((x) => x.ok);
  const okHugo = r.hugo.filter((x) => x.ok);
  const oursWall = median(okOurs.map((x) => x.wallMs));
  const oursRss = median(okOurs.flatMap((x) => (x.rssMB === undefined ? [] : [x.rssMB])));
  const oursMaxRss = okOurs.length ? Math.max(...okOurs.map((x) => x.rssMB ?? 0)) : undefined;
  const cpu = (l: RunResult[]) => median(l.flatMap((x) => (x.cpuSeconds === undefined ? [] : [x.cpuSeconds])));
  const oursCpu = cpu(okOurs);
  const hugoCpu = cpu(okHugo);
  const hugoWall = median(okHugo.map((x) => x.wallMs));
  const hugoRss = median(okHugo.flatMap((x) => (x.rssMB === undefined ? [] : [x.rssMB])));
  const ratio = oursWall !== undefined && hugoWall !== undefined ? oursWall / hugoWall : undefined;
  const stageNames = okOurs.length ? Object.keys(okOurs[0]!.stages!) : [];
  const stages: Record<string, number> = {};
  for (const s of stageNames) stages[s] = median(okOurs.map((x) => x.stages![s] ?? 0))!;
  const target = TARGETS[r.n];
  let verdict: 'PASS' | 'FAIL' | 'n/a' = 'n/a';
  const reasons: string[] = [];
  if (target) {
    if (r[which].some((x) => !x.ok) || oursWall === undefined) reasons.push('our build failed');
    if (ratio === undefined && !reasons.length) reasons.push('no Hugo time to compare with');
    if (ratio !== undefined && ratio > target.ratio) reasons.push(`ours/hugo ${ratio.toFixed(2)} > ${target.ratio}`);
    if (target.rssMB !== undefined && (oursRss === undefined || oursRss > target.rssMB)) reasons.push(`peak RSS ${oursRss?.toFixed(0) ?? '?'} MB > ${target.rssMB} MB`);
    verdict = reasons.length ? 'FAIL' : 'PASS';
  }
  return { oursCpu, hugoCpu, oursWall, oursRss, oursMaxRss, hugoWall, hugoRss, ratio, stages, target, verdict, reasons };
}

function targetText(n: number): string {
  const t = TARGETS[n];
  if (!t) return '-';
  return `ours <= ${t.ratio === 1 ? '' : `${t.ratio} x `}Hugo${t.rssMB ? `, RSS <= ${t.rssMB} MB` : ''}`;
}

function printResults(results: SizeResult[], runs: number): void {
  const rows = [['N', 'ours', 'ours wall', 'ours peak RSS', 'hugo wall', 'hugo peak RSS', 'ours/hugo', 'target', 'result', 'ours CPU', 'hugo CPU']];
  for (const [r, which] of results.flatMap((r) => [[r, 'ours'] as const, ...(r.oursCached.length ? [[r, 'oursCached'] as const] : [])])) {
    const s = summarize(r, which);
    rows.push([
      String(r.n),
      which === 'ours' ? 'fresh' : 'rebuild',
      secs(s.oursWall),
      mbs(s.oursRss),
      secs(s.hugoWall),
      mbs(s.hugoRss),
      s.ratio === undefined ? '-' : s.ratio.toFixed(2),
      targetText(r.n),
      s.verdict + (s.reasons.length ? ` (${s.reasons.join('; ')})` : ''),
      s.oursCpu === undefined ? '-' : `${s.oursCpu.toFixed(2)} s`,
      s.hugoCpu === undefined ? '-' : `${s.hugoCpu.toFixed(2)} s`,
    ]);
  }
  console.log(`\nMedians of ${runs} run(s) each, after one warm-up; fresh = no render cache (a new clone), rebuild = render cache from the run before (nothing changed); wall = whole process, peak RSS = ${haveGnuTime() ? 'GNU time %M' : 'child maxRSS'}; CPU = user+sys seconds (verdicts use wall).\n`);
  console.log(table(rows));
  for (const [r, which] of results.flatMap((r) => [[r, 'ours'] as const, ...(r.oursCached.length ? [[r, 'oursCached'] as const] : [])])) {
    const s = summarize(r, which);
    const label = which === 'ours' ? 'our build, fresh' : 'our rebuild, render cache kept';
    const failed = r[which].find((x) => !x.ok);
    if (failed) console.log(`\nN=${r.n}: our build FAILED (wall ${secs(failed.wallMs)}, peak RSS ${mbs(failed.rssMB)}):\n${failed.error}`);
    const hugoFailed = r.hugo.find((x) => !x.ok);
    if (hugoFailed) console.log(`\nN=${r.n}: Hugo FAILED:\n${hugoFailed.error}`);
    if (!Object.keys(s.stages).length) continue;
    const rows2 = [['stage', 'median', '% of wall']];
    for (const [k, v] of Object.entries(s.stages)) rows2.push([k, `${v.toFixed(0)} ms`, s.oursWall ? `${((v / s.oursWall) * 100).toFixed(1)} %` : '-']);
    console.log(`\nN=${r.n}: ${label}, median per stage (boot = Node+tsx start; import = loading build.ts; read+other = read+plugins minus the plugin stages; unaccounted = wall minus all of these):\n`);
    console.log(table(rows2));
    const perRun = r[which].map((x, i) => `#${i + 1} ${secs(x.wallMs)} ${mbs(x.rssMB)}${x.ok ? '' : ' FAILED'}`).join(', ');
    const perHugo = r.hugo.map((x, i) => `#${i + 1} ${secs(x.wallMs)} ${mbs(x.rssMB)}${x.ok ? '' : ' FAILED'}`).join(', ');
    console.log(`\nN=${r.n} runs: ${label} ${perRun}${r.hugo.length ? `; hugo ${perHugo}` : ''}`);
    const pages = r.ours.find((x) => x.ok)?.pages;
    const hugoPages = r.hugo.find((x) => x.ok)?.pages;
    if (pages !== undefined) console.log(`N=${r.n} pages: ours ${pages} HTML pages${hugoPages !== undefined ? `, hugo ${hugoPages} index.html` : ''}`);
    if (r.editLatency && which === 'ours') {
      const e = r.editLatency;
      const pass = e.medianMs <= 200 ? 'PASS' : 'FAIL';
      console.log(`N=${r.n} edit latency (${e.method === 'browser' ? 'file written to DOMContentLoaded of the reloaded page in Chromium' : 'edit to served HTML, no browser'}): median ${e.medianMs.toFixed(0)} ms over ${e.samples.length} edits [${e.samples.map((x) => x.toFixed(0)).join(', ')}]; seen by the harness: median ${median(e.observedMs)?.toFixed(0) ?? '-'} ms; server re-render median ${median(e.serverMs)?.toFixed(0) ?? '-'} ms; target <= 200 ms: ${pass}`);
    }
  }
}

function gitCommit(): string | undefined {
  try {
    const head = fs.readFileSync(path.join(ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = path.join(ROOT, '.git', ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(ROOT, '.git', 'packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Merges these sizes into bench/results/latest.json; other sizes already there are kept. */
async function writeResults(results: SizeResult[], runs: number): Promise<void> {
  let existing: { sizes?: Record<string, unknown> } = {};
  try {
    existing = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as typeof existing;
  } catch {
    /* first run */
  }
  const sizes: Record<string, unknown> = { ...(existing.sizes ?? {}) };
  const environment = {
    node: process.version,
    hugo: (await findHugo()) ?? null,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
  };
  for (const r of results) {
    const s = summarize(r);
    const c = r.oursCached.length ? summarize(r, 'oursCached') : undefined;
    const runList = (list: RunResult[]) => list.map((x) => ({ ok: x.ok, wallMs: round(x.wallMs), rssMB: round(x.rssMB, 1), cpuSeconds: round(x.cpuSeconds, 2), startCpuPressure: round(x.startPressure, 1), ...(x.error ? { error: x.error.slice(0, 4000) } : {}) }));
    sizes[String(r.n)] = {
      date: new Date().toISOString(),
      commit: snapshot?.commit ?? gitCommit() ?? null,
      workingTreeDirty: snapshot?.dirty ?? null,
      codeSnapshotHash: snapshot?.hash ?? null,
      environment,
      pages: r.n,
      folders: r.folders,
      runs,
      rssMethod: haveGnuTime() ? 'GNU time %M (max RSS of the child process)' : 'process.resourceUsage().maxRSS reported by the child',
      ours: {
        medianWallMs: round(s.oursWall),
        medianPeakRssMB: round(s.oursRss, 1),
        medianCpuSeconds: round(s.oursCpu, 2),
        maxPeakRssMB: round(s.oursMaxRss, 1),
        stagesMedianMs: Object.fromEntries(Object.entries(s.stages).map(([k, v]) => [k, round(v)])),
        runs: runList(r.ours),
      },
      oursRebuildWithCache: c
        ? {
            medianWallMs: round(c.oursWall),
            medianPeakRssMB: round(c.oursRss, 1),
            medianCpuSeconds: round(c.oursCpu, 2),
            maxPeakRssMB: round(c.oursMaxRss, 1),
            stagesMedianMs: Object.fromEntries(Object.entries(c.stages).map(([k, v]) => [k, round(v)])),
            runs: runList(r.oursCached),
            ratioToHugo: round(c.ratio, 3),
            verdict: c.verdict,
            reasons: c.reasons,
          }
        : null,
      hugo: r.hugo.length ? { medianWallMs: round(s.hugoWall), medianPeakRssMB: round(s.hugoRss, 1), medianCpuSeconds: round(s.hugoCpu, 2), runs: runList(r.hugo) } : null,
      ratioOursToHugo: round(s.ratio, 3),
      target: s.target ? { maxRatio: s.target.ratio, maxRssMB: s.target.rssMB ?? null } : null,
      verdict: s.verdict,
      reasons: s.reasons,
      editLatency: r.editLatency ? { method: r.editLatency.method, medianMs: round(r.editLatency.medianMs), samplesMs: r.editLatency.samples.map((x) => round(x)), harnessMedianMs: round(median(r.editLatency.observedMs)), serverMedianMs: round(median(r.editLatency.serverMs)) } : null,
    };
  }
  const ordered = Object.fromEntries(Object.keys(sizes).sort((a, b) => Number(a) - Number(b)).map((k) => [k, sizes[k]]));
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify({ generator: 'bench/bench.ts', sizes: ordered }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(ROOT, RESULTS)}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\nUsage: npm run bench -- [--sizes 1000,10000] [--runs 3] [--no-hugo] [--edit-latency] [--ref <git revision>]`);
    return 2;
  }
  fs.mkdirSync(WORK, { recursive: true });
  emptyTrash(); // left by an interrupted bench; the warm-up runs come after this
  if (!haveGnuTime()) console.warn(`bench: ${GNU_TIME} not found (Debian: apt-get install time); peak RSS of ours comes from the child itself, Hugo's is not measured.`);
  const hugo = options.hugo ? await findHugo() : undefined;
  console.log(`node ${process.version}; ${hugo ?? (options.hugo ? 'hugo not found on PATH: ours only' : 'hugo skipped (--no-hugo)')}; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);

  snapshot = takeSnapshot(options.ref);
  console.log(`code under test: snapshot ${snapshot.hash} of commit ${snapshot.commit?.slice(0, 7) ?? '?'}${snapshot.dirty ? ' + uncommitted changes' : ''} -> ${path.relative(ROOT, snapshot.dir)}`);

  const results: SizeResult[] = [];
  for (const n of options.sizes) {
    const corpus = ensureCorpus(n);
    const r: SizeResult = { n, folders: corpus.folders, ours: [], oursCached: [], hugo: [] };
    const cache = path.join(WORK, `render-cache-${n}`);
    fs.rmSync(cache, { recursive: true, force: true }); // the cached series' warm-up fills it
    results.push(r);
    const log = (who: string, label: string, x: RunResult) =>
      console.log(`  N=${n} ${who} ${label}: ${secs(x.wallMs)}, ${mbs(x.rssMB)}${x.cpuSeconds !== undefined ? `, CPU ${x.cpuSeconds.toFixed(2)} s` : ''}${x.startPressure !== undefined ? `, start CPU pressure ${x.startPressure}%` : ''}${x.ok ? '' : ` FAILED: ${x.error?.split('\n').slice(0, 3).join(' / ')}`}`);

    const warmOurs = await runOurs(corpus);
    log('ours', 'warm-up', warmOurs);
    let oursBroken = !warmOurs.ok;
    if (oursBroken) r.ours.push(warmOurs); // a failing build fails the same way every time: record it once
    const warmCached = await runOurs(corpus, cache);
    log('ours rebuild', 'warm-up (fills the cache)', warmCached);
    let cachedBroken = !warmCached.ok;
    if (cachedBroken) r.oursCached.push(warmCached);
    let hugoBroken = true;
    if (hugo) {
      const warmHugo = await runHugo(corpus);
      log('hugo', 'warm-up', warmHugo);
      hugoBroken = !warmHugo.ok;
      if (hugoBroken) r.hugo.push(warmHugo);
    }
    for (let i = 1; i <= options.runs; i++) {
      if (!oursBroken) {
        const x = await runOurs(corpus);
        log('ours', `run ${i}`, x);
        r.ours.push(x);
        oursBroken = !x.ok;
      }
      if (!cachedBroken) {
        const x = await runOurs(corpus, cache);
        log('ours rebuild', `run ${i}`, x);
        r.oursCached.push(x);
        cachedBroken = !x.ok;
      }
      if (!hugoBroken) {
        const x = await runHugo(corpus);
        log('hugo', `run ${i}`, x);
        r.hugo.push(x);
        hugoBroken = !x.ok;
      }
    }
    if (options.editLatency) {
      r.editLatency = await measureEditLatency(corpus, 10);
    }
  }

  emptyTrash();
  printResults(results, options.runs);
  await writeResults(results, options.runs);
  return results.every((r) => summarize(r).verdict !== 'FAIL' && (!r.oursCached.length || summarize(r, 'oursCached').verdict !== 'FAIL')) ? 0 : 1;
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
