/**
 * `npm start`: the site on http://localhost:4000 with live reload.
 *
 *   npm start [-- --port 4000 --source src --base-path /infra-runbooks/]
 *
 * Watches src/, partials/, layouts/, assets/ and site.yml (chokidar). Pages are served from memory
 * (scripts/dev-site.ts keeps them up to date edit by edit), so nothing is written to disk. A mistake is
 * printed in the terminal and shown over the page in the browser; the last good pages keep being
 * served, and fixing the mistake clears it.
 *
 * The HTTP side is Node's own http module: it serves a Map from memory, which static-file servers
 * (sirv, serve-handler) cannot do without writing the site to disk first, the cost this avoids.
 */
import chokidar from 'chokidar';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseBase, stripBase } from '../lib/urls/base.ts';
import { createContext, type BuildContext } from '../lib/core/context.ts';
import { formatReport, printable } from '../lib/core/diagnostics.ts';
import { isMarkdown } from '../lib/core/page.ts';
import { DevSite, type UpdateResult } from './dev-site.ts';
import { cacheDirFor, cacheWanted, reusedText } from '../lib/io/render-cache.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
};

/** The browser side of live reload: reload on change, show problems over the page. */
const CLIENT = `(() => {
  // The update this page was served at: an update that happens before this stream connects (the
  // page was still loading) is caught on connect, not lost.
  const served = document.documentElement.getAttribute('data-rs-version') || '0';
  const es = new EventSource('/__rs/events?path=' + encodeURIComponent(location.pathname) + '&version=' + served);
  const show = (problems) => {
    let el = document.getElementById('__rs-overlay');
    if (!problems.length) { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement('div');
      el.id = '__rs-overlay';
      el.setAttribute('role', 'alert');
      el.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:16px 20px;border-top:4px solid #e5484d;white-space:pre-wrap';
      document.body.appendChild(el);
    }
    el.textContent = 'Build problems (the last good version of each page is shown):\\n\\n' + problems.join('\\n\\n');
  };
  es.addEventListener('open', () => { window.__rsLiveReload = true; });
  es.addEventListener('reload', () => location.reload());
  es.addEventListener('problems', (e) => show(JSON.parse(e.data)));
})();`;

export interface DevServerOptions {
  root: string;
  source?: string;
  /** The render cache's folder (lib/io/render-cache.ts); `npm start` uses the build's. */
  cache?: string;
  port?: number;
  /** Serve under this base path instead of the path of site.yml's `url` (lib/urls/base.ts). */
  base?: string;
  /** Print to the terminal (off in tests). */
  log?: (line: string) => void;
  /** Called once the first build has read src/ (tests change files at that moment). */
  afterFirstRead?: () => void;
}

export async function startDevServer(options: DevServerOptions) {
  const log = options.log ?? ((l: string) => console.log(l));
  const site = new DevSite({ root: options.root, source: options.source, cache: options.cache, base: options.base });
  const ctx = createContext({ root: options.root, source: options.source, dev: true });
  const clients = new Set<http.ServerResponse>();
  // Updates are numbered; each URL remembers the last update that changed it.
  let version = 0;
  const changedAt = new Map<string, number>();
  const send = (event: string, data: unknown) => {
    for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  function reportProblems() {
    const problems = site.problems;
    if (problems.length) log(formatReport(problems));
    return problems.map((p) => p.format());
  }

  // The watcher starts before the first build: a page deleted (or saved) while that build reads and
  // renders is a change like any other, applied once the build is done, instead of going unseen
  // until some later full rebuild.
  const updates = new UpdateQueue(site, ctx, options.root, (what, r) => {
    const problems = reportProblems();
    log(`${what}: ${r.kind === 'full' ? 'rebuilt the site' : `re-rendered ${r.urls.join(', ')}`} in ${r.ms.toFixed(0)} ms`);
    send('problems', problems);
    if (r.urls.length) {
      version++;
      for (const u of r.urls) changedAt.set(u, version);
      send('reload', r.urls);
    }
  }, (what, err) => {
    log(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    send('problems', [String(err instanceof Error ? err.message : err)]);
  });
  // chokidar 4.0.3 says "ready" before it watches everything when one of the paths does not exist
  // (a project without partials/ or assets/): a change right after that was missed. The paths
  // that exist are watched first; the others are added once that is ready (chokidar then watches
  // for them to appear).
  const watched = [ctx.source, ctx.partialsDir, ctx.layoutsDir, ctx.assetsDir, path.join(ctx.root, 'site.yml')];
  const watcher = chokidar.watch(watched.filter((p) => fs.existsSync(p)), { ignoreInitial: true });
  watcher
    .on('add', (f) => updates.changed(f, 'add'))
    .on('change', (f) => updates.changed(f))
    .on('unlink', (f) => updates.changed(f, 'remove'))
    .on('unlinkDir', (f) => updates.changed(f, 'remove'));
  // Without this, a watcher that cannot watch (e.g. the system's inotify limit reached) fails silently.
  watcher.on('error', (err) => log(`watching files failed, so edits may not be picked up: ${err instanceof Error ? err.message : String(err)} (restart npm start; on Linux, raise fs.inotify.max_user_watches if it says ENOSPC)`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const missing = watched.filter((p) => !fs.existsSync(p));
  if (missing.length) watcher.add(missing);

  let first: UpdateResult;
  try {
    first = await updates.first(() => site.full(options.afterFirstRead));
  } catch (err) {
    await watcher.close();
    throw err;
  }
  log(`Built ${site.size} files in ${(first.ms / 1000).toFixed(2)} s${reusedText(first.reused ?? 0)}`);
  reportProblems();

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      // Never let one request stop the server: whatever went wrong is this request's problem only.
      log(`${req.method} ${printable(req.url ?? '')}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': TYPES['.txt']! });
      res.end('Internal error in the dev server; see its terminal.\n');
    }
  });
  // Requests Node's parser refuses (a malformed request line, headers over its size limit): a plain
  // answer, and the server goes on (without a handler Node closes the socket; this says why).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\n${status.slice(4)}\n`);
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const target = parseTarget(req.url ?? '/');
    if (!target) return plain(res, 400, 'Bad request: this address is not a valid URL path.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, `Method ${req.method} is not allowed: the dev server only serves pages.`);
    }
    const { pathname, params } = target;
    if (pathname === '/__rs/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`event: problems\ndata: ${JSON.stringify(site.problems.map((p) => p.format()))}\n\n`);
      const path = params.get('path') ?? '/';
      const served = Number(params.get('version') ?? 0);
      if ((changedAt.get(path) ?? 0) > served) res.write(`event: reload\ndata: ${JSON.stringify([path])}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (pathname === '/__rs/live.js') {
      res.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-cache' });
      res.end(CLIENT);
      return;
    }
    // The site is served under its base path (lib/urls/base.ts), as the host will serve it.
    const base = site.ctx.base;
    if (base !== '/' && (pathname === '/' || pathname === base.slice(0, -1))) {
      res.writeHead(302, { location: base });
      res.end();
      return;
    }
    const sitePath = stripBase(base, pathname);
    // A path outside the base path is answered with the 404 page, as the host would.
    let key = sitePath === undefined ? '\u0000outside/' : keyOf(sitePath);
    const coming = site.coming(key);
    if (coming) {
      // Still being made (the search index, just after a full rebuild): answered once it is.
      coming.then(
        (bytes) => respond(res, key, bytes, 200),
        (err) => {
          log(`${key}: ${err instanceof Error ? err.message : String(err)}`);
          plain(res, 500, `This file could not be made: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
      return;
    }
    let body = site.file(key);
    if (!body && site.has(`${key}/index.html`)) {
      res.writeHead(301, { location: `${pathname}/` });
      res.end();
      return;
    }
    let status = 200;
    if (!body) {
      status = 404;
      key = '404.html';
      body = site.file(key) ?? Buffer.from('Not found');
    }
    respond(res, key, body, status);
  }

  /** A file's answer: its type and caching, and on pages the live-reload script. */
  function respond(res: http.ServerResponse, key: string, body: Buffer, status: number) {
    const type = TYPES[path.extname(key)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      body = Buffer.from(
        body
          .toString('utf8')
          .replace(/<html\b/, `<html data-rs-version="${version}"`)
          .replace('</body>', '<script src="/__rs/live.js"></script></body>'),
      );
    }
    // Fingerprinted assets never change under the same name: a reload does not fetch them again.
    const immutable = status === 200 && /^assets\/.+\.[0-9a-f]{8,}\.\w+$/.test(key);
    res.writeHead(status, { 'content-type': type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 4000, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  log(`Serving http://localhost:${address.port}${site.ctx.base} (live reload; Ctrl-C to stop)`);
  return {
    site,
    port: address.port,
    /** Resolves once every change seen so far has been applied. */
    settled: () => updates.settled(),
    async close() {
      for (const c of clients) c.end();
      await watcher.close();
      updates.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': TYPES['.txt']!, 'cache-control': 'no-cache' });
  res.end(`${text}\n`);
}

/**
 * The request target's path and query, or undefined when it is not a path this server can answer:
 * a malformed %-escape such as `/%E0%A4%A`, a NUL byte, an absolute URL with a broken host.
 * `..` and `.` segments are resolved as a browser resolves them (never above the root).
 */
export function parseTarget(raw: string): { pathname: string; params: URLSearchParams } | undefined {
  let url: URL;
  try {
    // Origin-form (`/a/b`) is the normal case; `//x` would otherwise be read as a host name.
    url = raw.startsWith('/') ? new URL(`http://localhost${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
  try {
    if (decodeURIComponent(url.pathname).includes('\0')) return undefined;
  } catch {
    return undefined;
  }
  return { pathname: url.pathname, params: url.searchParams };
}

/**
 * The key of the served files for a site path (`/queues/` -> `queues/index.html`). Keys are only
 * looked up in memory, so no path can reach the disk; an encoded `..` (`..%2F`) is resolved too.
 */
function keyOf(sitePath: string): string {
  const decoded = decodeURIComponent(sitePath); // checked by parseTarget
  const parts: string[] = [];
  for (const part of decoded.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  const key = parts.join('/');
  if (key === '') return 'index.html';
  return decoded.endsWith('/') ? `${key}/index.html` : key;
}

/**
 * Changes from the watcher, applied one batch at a time, in order. Changes that arrive together
 * (a folder deleted, a branch checked out, an editor that writes a file then renames it) are
 * gathered until the watcher has been quiet for QUIET_MS and applied as one update: several files
 * at once are one full rebuild, not one rebuild each (docs/decisions.md#dev-batch).
 */
class UpdateQueue {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private due = 0;
  private running: Promise<unknown> = Promise.resolve();
  private closed = false;
  private scheduled = false;
  /** A page is being applied at once (runNow). */
  private busy = false;
  /** Size and time of each file when its change was applied (see recheck). */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly site: DevSite,
    private readonly ctx: BuildContext,
    private readonly root: string,
    private readonly done: (what: string, r: UpdateResult) => void,
    private readonly failed: (what: string, err: unknown) => void,
  ) {}

  /** The first build: changes seen while it runs wait for it, then are applied as one batch. */
  first(build: () => Promise<UpdateResult>): Promise<UpdateResult> {
    const p = build();
    this.running = p.catch(() => undefined);
    return p;
  }

  /** A watcher event. */
  readonly changed = (file: string, how: 'change' | 'add' | 'remove' = 'change') => {
    if (this.closed) return;
    // A page saved while nothing else is going on is re-rendered at once instead of after the quiet
    // window: the reader sees the edit sooner (docs/decisions.md#dev-edit-latency). If that edit moves
    // navigation, it joins the batch of whatever follows it (a branch checkout) as before.
    if (how === 'change' && this.idle() && isMarkdown(file) && file.startsWith(this.ctx.source + path.sep)) this.runNow(file);
    else this.queue(file, how === 'remove');
  };

  /**
   * Gathers a change into the next batch, applied once the watcher has been quiet. A removal waits
   * longer for its company: chokidar holds each file's `unlink` back by 100 ms (its `atomic` option:
   * a file deleted and written again at once is a save) but not the folder's `unlinkDir`, so a
   * deleted folder arrives as one event, then all of its files.
   */
  private queue(file: string, removal: boolean): void {
    this.pending.add(file);
    const due = Date.now() + (removal ? REMOVAL_QUIET_MS : QUIET_MS);
    if (this.timer && due <= this.due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, due - Date.now());
    this.timer.unref();
  }

  /** Nothing waiting, nothing being applied. */
  private idle(): boolean {
    return !this.busy && !this.scheduled && !this.pending.size && !this.timer;
  }

  /** One page, applied now if it stays a one-page update; otherwise queued like any change. */
  private runNow(file: string): void {
    this.busy = true;
    this.running = this.running.then(async () => {
      try {
        this.seen.set(file, stamp(file));
        const r = await this.site.sourceChanged(file, true);
        if (r) {
          this.done(path.relative(this.root, file), r);
          this.recheck([file]);
        } else this.queue(file, false); // needs the whole site: batched with what follows
      } catch (err) {
        this.failed(path.relative(this.root, file), err);
      } finally {
        this.busy = false;
      }
    });
  }

  /** Resolves once every change seen so far has been applied. */
  async settled(): Promise<void> {
    for (;;) {
      const running = this.running;
      await running;
      if (!this.pending.size && running === this.running) return;
      await new Promise((r) => setTimeout(r, QUIET_MS / 2));
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending.clear();
  }

  /**
   * Schedules the next batch after whatever runs now. The batch is taken when it starts, so changes
   * that come in while a rebuild runs join the next batch instead of queueing one update each.
   */
  private flush(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    this.running = this.running.then(() => {
      this.scheduled = false;
      const batch = [...this.pending];
      this.pending.clear();
      return batch.length ? this.apply(batch) : undefined;
    });
  }

  private async apply(batch: string[]): Promise<void> {
    if (this.closed) return;
    const { ctx, site } = this;
    const under = (dir: string, f: string) => f.startsWith(dir + path.sep);
    for (const f of batch) this.seen.set(f, stamp(f));
    const what = batch.length === 1 ? path.relative(this.root, batch[0]!) : `${batch.length} files changed`;
    try {
      let r: UpdateResult;
      if (batch.length === 1 && under(ctx.source, batch[0]!)) r = await site.sourceChanged(batch[0]!);
      else if (batch.every((f) => under(ctx.partialsDir, f))) {
        r = await site.partialChanged(batch[0]!);
        for (const f of batch.slice(1)) r = await site.partialChanged(f);
      } else r = await site.full();
      this.done(what, r);
    } catch (err) {
      this.failed(what, err);
    }
    this.recheck(batch);
  }

  /**
   * chokidar drops a second change event for the same file within 50 ms, so a save that reaches
   * it as "truncate, then write" can be seen only half-written: each file is checked again once
   * that window has passed, and applied again if it moved on since.
   */
  private recheck(files: string[]): void {
    setTimeout(() => {
      for (const f of files) if (stamp(f) !== this.seen.get(f)) this.changed(f);
    }, 80).unref();
  }
}

/** How long the watcher must be quiet before a batch of changes is applied (a removal: longer, see queue()). */
const QUIET_MS = 40;
const REMOVAL_QUIET_MS = 200;

function stamp(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeMs}` : 'gone';
}

/** `npm start [-- --port 4000 --source src]`. Resolves once serving; the server runs until Ctrl-C. */
export async function main(args: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  try {
    const cache = cacheWanted(args) ? cacheDirFor(process.cwd()) : undefined;
    const basePath = arg('--base-path');
    const base = basePath === undefined ? undefined : normaliseBase(basePath);
    if (base && 'error' in base) throw new Error(`--base-path: ${base.error}`);
    await startDevServer({ root: process.cwd(), source: arg('--source'), port: Number(arg('--port') ?? 4000), cache, base: base?.base });
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => {
    if (code) process.exitCode = code;
  });
}
