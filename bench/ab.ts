/**
 * Two revisions of the generator on one corpus, runs alternating A, B, A, B... so both see the same
 * machine load (a shared machine makes absolute times drift between separate bench runs):
 *
 *   npx tsx bench/ab.ts --a <git revision> --b <git revision> [--size 10000] [--runs 3] [--stage permalinks]
 *
 * Each run is a fresh process through the launcher `npm run build` uses (bench/lib/builders.ts), after
 * one warm-up per side. Prints the median wall time and the median time of `--stage` for each side.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOurs, type RunResult } from './lib/builders.ts';
import { ensureCorpus } from './lib/corpus.ts';
import { BENCH, ROOT, WORK } from './lib/paths.ts';
import { emptyTrash } from './lib/quiet.ts';
import { median } from './lib/stats.ts';

function parse(argv: string[]) {
  const o = { a: '', b: '', size: 10_000, runs: 3, stage: 'permalinks' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[++i];
    if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    const k = argv[i - 1];
    if (k === '--a') o.a = v;
    else if (k === '--b') o.b = v;
    else if (k === '--size') o.size = Number(v);
    else if (k === '--runs') o.runs = Number(v);
    else if (k === '--stage') o.stage = v;
    else throw new Error(`unknown option ${k}`);
  }
  if (!o.a || !o.b) throw new Error('usage: npx tsx bench/ab.ts --a <rev> --b <rev> [--size 10000] [--runs 3] [--stage permalinks]');
  return o;
}

/** The revision's files under bench/.work/ab-<side>/, node_modules linked, this checkout's run-build.ts. */
function snapshot(side: string, rev: string): string {
  const dir = path.join(WORK, `ab-${side}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], { input: execFileSync('git', ['archive', '--format=tar', rev], { cwd: ROOT, maxBuffer: 1 << 30 }) });
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.copyFileSync(path.join(BENCH, 'run-build.ts'), path.join(dir, 'bench', 'run-build.ts'));
  return dir;
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  const sides = [
    { name: 'A', rev: o.a, dir: snapshot('a', o.a), runs: [] as RunResult[] },
    { name: 'B', rev: o.b, dir: snapshot('b', o.b), runs: [] as RunResult[] },
  ];
  const corpus = ensureCorpus(o.size);
  console.log(`node ${process.version}; ${os.cpus().length} CPUs; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${o.size} pages`);
  for (const s of sides) {
    const warm = await runOurs(s.dir, corpus);
    if (!warm.ok) throw new Error(`${s.name} (${s.rev}) failed: ${warm.error}`);
  }
  for (let i = 0; i < o.runs; i++) {
    for (const s of sides) {
      const r = await runOurs(s.dir, corpus);
      if (!r.ok) throw new Error(`${s.name} (${s.rev}) failed: ${r.error}`);
      s.runs.push(r);
      console.log(`  ${s.name} run ${i + 1}: ${(r.wallMs / 1000).toFixed(2)} s, ${o.stage} ${((r.stages?.[o.stage] ?? NaN) / 1000).toFixed(3)} s`);
    }
  }
  emptyTrash();
  const sec = (xs: number[]) => ((median(xs) ?? NaN) / 1000).toFixed(3);
  for (const s of sides) {
    console.log(`${s.name} ${s.rev}: median ${sec(s.runs.map((r) => r.wallMs))} s, ${o.stage} ${sec(s.runs.map((r) => r.stages?.[o.stage] ?? NaN))} s`);
  }
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
