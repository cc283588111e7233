/**
 * `npm start`: the site on http://localhost:4000 with live reload.
 *
 *   npm start [-- --port 4000 --source src --base-path /infra-runbooks/]
 *
 * Watches src/, partials/, layouts/, assets/ and site.yml (chokidar). Pages are served from memory
 * (lib/dev-site.ts keeps them up to date edit by edit), so nothing is written to disk. A mistake is
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
import { normaliseBase, stripBase } from '../lib/base.ts';
import { formatReport } from '../lib/diagnostics.ts';
import { DevSite, type UpdateResult } from './dev-site.ts';
import { cacheDirFor, cacheWanted, reusedText } from '../lib/render-cache.ts';

const TYPES: Record<string, string> = {
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
  /** The render cache's folder (lib/render-cache.ts); `npm start` uses the build's. */
  cache?: string;
  port?: number;
  /** Serve under this base path instead of the path of site.yml's `url` (lib/base.ts). */
  base?: string;
  /** Print to the terminal (off in tests). */
  log?: (line: string) => void;
}

export async function startDevServer(options: DevServerOptions) {
  const log = options.log ?? ((l: string) => console.log(l));
  const site = new DevSite({ root: options.root, source: options.source, cache: options.cache, base: options.base });
  const first = await site.full();
  log(`Built ${site.output.size} files in ${(first.ms / 1000).toFixed(2)} s${reusedText(first.reused ?? 0)}`);
  reportProblems();

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

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/__rs/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`event: problems\ndata: ${JSON.stringify(site.problems.map((p) => p.format()))}\n\n`);
      const path = url.searchParams.get('path') ?? '/';
      const served = Number(url.searchParams.get('version') ?? 0);
      if ((changedAt.get(path) ?? 0) > served) res.write(`event: reload\ndata: ${JSON.stringify([path])}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname === '/__rs/live.js') {
      res.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-cache' });
      res.end(CLIENT);
      return;
    }
    // The site is served under its base path (lib/base.ts), as the host will serve it.
    const base = site.ctx.base;
    if (base !== '/' && (url.pathname === '/' || url.pathname === base.slice(0, -1))) {
      res.writeHead(302, { location: base });
      res.end();
      return;
    }
    const sitePath = stripBase(base, url.pathname);
    // A path outside the base path is answered with the 404 page, as the host would.
    let key = sitePath === undefined ? '\u0000outside/' : decodeURIComponent(sitePath).replace(/^\/+/, '');
    if (key === '' || key.endsWith('/')) key += 'index.html';
    let body = site.output.get(key);
    if (!body && site.output.has(`${key}/index.html`)) {
      res.writeHead(301, { location: `${url.pathname}/` });
      res.end();
      return;
    }
    let status = 200;
    if (!body) {
      status = 404;
      key = '404.html';
      body = site.output.get(key) ?? Buffer.from('Not found');
    }
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
  });

  // One change at a time, in order: a burst of saves never interleaves two rebuilds.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (what: string, fn: () => Promise<UpdateResult>) => {
    queue = queue.then(async () => {
      try {
        const r = await fn();
        const problems = reportProblems();
        log(`${what}: ${r.kind === 'full' ? 'rebuilt the site' : `re-rendered ${r.urls.join(', ')}`} in ${r.ms.toFixed(0)} ms`);
        send('problems', problems);
        if (r.urls.length) {
          version++;
          for (const u of r.urls) changedAt.set(u, version);
          send('reload', r.urls);
        }
      } catch (err) {
        log(`${what}: ${err instanceof Error ? err.message : String(err)}`);
        send('problems', [String(err instanceof Error ? err.message : err)]);
      }
    });
  };

  const ctx = site.ctx;
  const watcher = chokidar.watch([ctx.source, ctx.partialsDir, ctx.layoutsDir, ctx.assetsDir, path.join(ctx.root, 'site.yml')], {
    ignoreInitial: true,
  });
  // chokidar drops a second change event for the same file within 50 ms, so a save that reaches
  // it as "truncate, then write" can be seen only half-written. Each change is applied at once and
  // checked again after that window: if the file moved on since, it is applied again.
  const seen = new Map<string, string>();
  const stamp = (file: string) => {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st ? `${st.size}:${st.mtimeMs}` : 'gone';
  };
  const apply = (file: string) => {
    const rel = path.relative(options.root, file);
    seen.set(file, stamp(file));
    if (file.startsWith(ctx.source + path.sep)) enqueue(rel, () => site.sourceChanged(file));
    else if (file.startsWith(ctx.partialsDir + path.sep)) enqueue(rel, () => site.partialChanged(file));
    else enqueue(rel, () => site.full());
  };
  const onChange = (file: string) => {
    apply(file);
    setTimeout(() => {
      if (stamp(file) !== seen.get(file)) apply(file);
    }, 80).unref();
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  // Without this, a watcher that cannot watch (e.g. the system's inotify limit reached) fails silently.
  watcher.on('error', (err) => log(`watching files failed, so edits may not be picked up: ${err instanceof Error ? err.message : String(err)} (restart npm start; on Linux, raise fs.inotify.max_user_watches if it says ENOSPC)`));
  await new Promise<void>((resolve) => watcher.on('ready', () => resolve()));

  await new Promise<void>((resolve) => server.listen(options.port ?? 4000, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  log(`Serving http://localhost:${address.port}${site.ctx.base} (live reload; Ctrl-C to stop)`);
  return {
    site,
    port: address.port,
    /** Resolves once every change seen so far has been applied. */
    settled: () => queue,
    async close() {
      for (const c of clients) c.end();
      await watcher.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
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
