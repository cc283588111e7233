/** Keeping runs apart: previous outputs moved aside, and each run started on a quiet machine. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WORK } from './paths.ts';

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
export function clearOutput(dir: string): void {
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
export function emptyTrash(): void {
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
export async function waitForQuiet(): Promise<number | undefined> {
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
