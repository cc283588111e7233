/** Edit latency of `npm start`: from saving a page to the reloaded page in Chromium. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, launchChromium } from '../../test/helpers/chromium.ts';
import type { Corpus } from './corpus.ts';
import { WORK } from './paths.ts';
import { median } from './stats.ts';

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
  /** ms from starting `npm start` again (the render cache warm from the first start) to serving, per start. */
  warmStartMs: number[];
}

export interface DevServer {
  /** Base URL, e.g. http://127.0.0.1:4321 */
  url: string;
  /** The server's log lines so far. */
  log: string[];
  stop(): Promise<void>;
}

/** `npm start` for the corpus (through the same launcher), on a free port; resolves when serving. */
async function startDevServer(code: string, corpus: Corpus): Promise<DevServer> {
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
export async function measureEditLatency(code: string, corpus: Corpus, edits: number): Promise<EditLatency> {
  const server = await startDevServer(code, corpus);
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
    fs.writeFileSync(path.join(WORK, `dev-server-${corpus.name}.log`), `${server.log.join('\n')}\n`);
  }
  const serverMs = server.log.flatMap((l) => {
    const m = /re-rendered .* in (\d+) ms/.exec(l);
    return m ? [Number(m[1])] : [];
  });
  // Warm starts: the first start filled the render cache; each later start is timed to "Serving".
  const warmStartMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const again = await startDevServer(code, corpus);
    warmStartMs.push(performance.now() - t0);
    await again.stop();
  }
  return { samples, medianMs: median(samples)!, method: useBrowser ? 'browser' : 'http', serverMs, observedMs: observed, warmStartMs };
}
