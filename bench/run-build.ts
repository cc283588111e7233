/**
 * One build of a benchmark corpus, in its own process, for bench/bench.ts:
 *
 *   node --import tsx bench/run-build.ts --root <corpus> --source src --destination <out> [--cache <dir>]
 *
 * Prints one line of JSON on stdout:
 *   { ok, pages, timings: { stage: ms }, boot, import, total, maxRSS }
 * - boot: ms from process start (performance.timeOrigin) until this file runs (Node + tsx loader);
 * - import: ms to load build.ts and everything it imports (tsx compiles on the fly);
 * - timings: build()'s own per-stage times ('read+plugins', 'write' and each plugin stage), and
 *   'start-up': ms from process start until the first page is read;
 * - total: ms from process start to the end of build();
 * - maxRSS: this process's peak resident set size in KB (process.resourceUsage().maxRSS).
 * On failure: { ok: false, error, stage?, problems? } and exit code 1.
 */
import path from 'node:path';

interface Args {
  root: string;
  source: string;
  destination: string;
  /** The render cache's folder (lib/io/render-cache.ts); without it the build renders every page. */
  cache?: string;
}

function parse(argv: string[]): Args {
  const out: Partial<Args> = { source: 'src' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--root') out.root = value;
    else if (key === '--source') out.source = value;
    else if (key === '--destination') out.destination = value;
    else if (key === '--cache') out.cache = path.resolve(value);
    else throw new Error(`unknown option ${key}`);
  }
  if (!out.root || !out.destination) throw new Error('usage: run-build.ts --root <dir> [--source src] --destination <dir>');
  return out as Args;
}

/** Entry point for scripts/run.mjs (the same launcher `npm run build` uses), or run directly with tsx. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const boot = performance.now();
  const args = parse(argv);
  const t0 = performance.now();
  const { build } = await import('../build.ts');
  const importMs = performance.now() - t0;
  try {
    const result = await build({ root: path.resolve(args.root), source: args.source, destination: path.resolve(args.destination), write: true, cache: args.cache });
    const total = performance.now();
    const report = {
      ok: true,
      pages: result.pages,
      problems: result.problems.length,
      timings: Object.fromEntries(result.timings),
      boot,
      import: importMs,
      total,
      maxRSS: process.resourceUsage().maxRSS,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (err) {
    const e = err as Error & { stage?: string; problems?: { code?: string; message?: string; file?: string; line?: number; severity?: string }[]; cause?: unknown };
    const report = {
      ok: false,
      error: e instanceof Error ? (e.stack ?? e.message) : String(err),
      stage: e.stage,
      cause: e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : e.cause === undefined ? undefined : String(e.cause),
      problems: Array.isArray(e.problems) ? e.problems.slice(0, 20).map((p) => ({ code: p.code, file: p.file, line: p.line, severity: p.severity, message: p.message })) : undefined,
      problemCount: Array.isArray(e.problems) ? e.problems.length : undefined,
      total: performance.now(),
      maxRSS: process.resourceUsage().maxRSS,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 1;
  }
}

if (process.argv[1] && /run-build\.ts$/.test(process.argv[1])) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stdout.write(`${JSON.stringify({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })}\n`);
      process.exitCode = 2;
    },
  );
}
