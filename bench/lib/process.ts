/** Runs one command as a whole process: wall time from spawn to exit, peak RSS and CPU from GNU time. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WORK } from './paths.ts';

export const GNU_TIME = '/usr/bin/time';
const RUN_TIMEOUT_MS = 30 * 60_000;

export interface Measured {
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

export function haveGnuTime(): boolean {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command to completion; wall time is spawn to exit, peak RSS from GNU time when present. */
export function measure(command: string, args: string[], cwd: string): Promise<Measured> {
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
