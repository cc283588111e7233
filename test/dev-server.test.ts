/**
 * `npm start`: pages served from memory, updated incrementally on each edit, with live-reload and
 * problem events for the browser. Runs against a small temporary project (a copy of fixtures).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../scripts/dev.ts';
import { writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

let dir: string;
let server: Awaited<ReturnType<typeof startDevServer>>;
const events: { event: string; data: unknown }[] = [];
let abort: AbortController;

const get = async (p: string) => {
  const r = await fetch(`http://127.0.0.1:${server.port}${p}`, { redirect: 'manual' });
  return { status: r.status, text: await r.text(), location: r.headers.get('location') };
};

/** Writes a file and waits until the server has applied the change. */
async function edit(rel: string, content: string | null) {
  const file = path.join(dir, rel);
  const seen = events.length;
  const save = () => {
    if (content === null) fs.rmSync(file, { force: true });
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  };
  save();
  // On a saturated machine (the browser suites run alongside) the very first change after the
  // watcher reports ready has been seen to go unnoticed: save again, as a person would, if nothing
  // has happened within 2 s. The assertions still need the final content served.
  const retryAt = Date.now() + 2_000;
  while (events.slice(seen).every((e) => e.event !== 'problems') && Date.now() < retryAt) await new Promise((r) => setTimeout(r, 20));
  if (events.slice(seen).every((e) => e.event !== 'problems')) save();
  await quiet(seen);
}

/**
 * Waits for the first update after event number `seen`, then until no new event has come for
 * 150 ms: a save can reach the watcher as more than one event, and the last one is what counts.
 */
async function quiet(seen: number) {
  const deadline = Date.now() + 10_000;
  while (events.slice(seen).every((e) => e.event !== 'problems') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (let n = events.length; Date.now() < deadline; n = events.length) {
    await new Promise((r) => setTimeout(r, 150));
    await server.settled();
    if (events.length === n) break;
  }
}

beforeAll(async () => {
  dir = tempDir('dev-');
  writeProject(dir, {
    'site.yml': 'title: Dev\n',
    'layouts/default.hbs': '<html><body><nav>{{{nav.section}}}</nav><h1>{{page.title}}</h1>{{{content}}}</body></html>',
    'partials/note.md': 'Shared note v1.\n',
    'src/index.md': '---\ntitle: Home\n---\nHome.\n',
    'src/guide/index.md': '---\ntitle: Guide\n---\n',
    'src/guide/alpha.md': '---\ntitle: Alpha\n---\nAlpha text.\n\n{{> note}}\n',
    'src/guide/beta.md': '---\ntitle: Beta\n---\nBeta text.\n',
  });
  server = await startDevServer({ root: dir, port: 0, log: () => {} });
  abort = new AbortController();
  // Listen like the browser does.
  const res = await fetch(`http://127.0.0.1:${server.port}/__rs/events?path=/`, { signal: abort.signal });
  const reader = res.body!.getReader();
  void (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += new TextDecoder().decode(value);
      let i;
      while ((i = buf.indexOf('\n\n')) !== -1) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.+)$/m.exec(chunk)?.[1] ?? 'message';
        const data = JSON.parse(/^data: (.+)$/m.exec(chunk)?.[1] ?? 'null');
        events.push({ event, data });
      }
    }
  })();
});

afterAll(async () => {
  abort?.abort();
  await server?.close();
});

describe('dev server', () => {
  it('serves pages from memory with pretty URLs, a redirect without the slash, the 404 page, and the live-reload script', async () => {
    const page = await get('/guide/alpha/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Alpha text.');
    expect(page.text).toContain('<script src="/__rs/live.js"></script></body>');
    expect((await get('/guide/alpha')).location).toBe('/guide/alpha/');
    expect((await get('/nope/')).status).toBe(404);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
  });

  it('editing one page re-renders only that page and tells the browser to reload it', async () => {
    await edit('src/guide/beta.md', '---\ntitle: Beta\n---\nBeta text, edited.\n');
    expect((await get('/guide/beta/')).text).toContain('Beta text, edited.');
    const reload = events.filter((e) => e.event === 'reload').at(-1);
    expect(reload?.data).toEqual(['/guide/beta/']);
  });

  it('a mistake is reported with file:line while the last good page is served; fixing it clears it', async () => {
    await edit('src/guide/beta.md', '---\ntitle: Beta\n---\n{{#callout "loud"}}x{{/callout}}\n');
    const problems = events.filter((e) => e.event === 'problems').at(-1)?.data as string[];
    expect(problems[0]).toMatch(/^src\/guide\/beta\.md:4:1 {2}callout kind "loud" is not one of: note, warning, danger/);
    expect((await get('/guide/beta/')).text).toContain('Beta text, edited.');
    await edit('src/guide/beta.md', '---\ntitle: Beta\n---\nFixed.\n');
    expect(events.filter((e) => e.event === 'problems').at(-1)?.data).toEqual([]);
    expect((await get('/guide/beta/')).text).toContain('Fixed.');
  });

  it('a save that reaches the watcher half-written is applied again once complete', async () => {
    const file = path.join(dir, 'src/guide/beta.md');
    // First half, then (within chokidar's 50 ms window, whose second event it drops) the rest.
    const seen = events.length;
    fs.writeFileSync(file, '---\ntitle: Beta\n---\nFirst half');
    await new Promise((r) => setTimeout(r, 25));
    fs.appendFileSync(file, ' and second half.\n');
    await quiet(seen);
    expect((await get('/guide/beta/')).text).toContain('First half and second half.');
  });

  it('a change made while a page was still loading reloads it as soon as its live-reload stream connects', async () => {
    const html = (await get('/guide/alpha/')).text;
    const served = /data-rs-version="(\d+)"/.exec(html)![1]!;
    await edit('src/guide/alpha.md', '---\ntitle: Alpha\n---\nAlpha text, changed before the stream connected.\n\n{{> note}}\n');
    // The page loaded before the edit connects only now, with the version it was served at.
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${server.port}/__rs/events?path=/guide/alpha/&version=${served}`, { signal: abort.signal });
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 2_000; // what the server says on connect comes at once
    while (!text.includes('event: reload') && Date.now() < deadline) {
      const next = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(r, deadline - Date.now()))]);
      if (!next || next.done) break;
      text += new TextDecoder().decode(next.value);
    }
    abort.abort();
    expect(text).toContain('event: reload');
    // A page served after the edit is not told to reload again.
    const fresh = /data-rs-version="(\d+)"/.exec((await get('/guide/alpha/')).text)![1]!;
    expect(Number(fresh)).toBeGreaterThan(Number(served));
  });

  it('a title change updates every navigation that lists the page', async () => {
    await edit('src/guide/beta.md', '---\ntitle: Beta renamed\n---\nFixed.\n');
    expect((await get('/guide/alpha/')).text).toContain('>Beta renamed</a>');
  });

  it('adding and removing a page updates the navigation', async () => {
    await edit('src/guide/gamma.md', '---\ntitle: Gamma\n---\nNew.\n');
    expect((await get('/guide/alpha/')).text).toContain('href="/guide/gamma/"');
    await edit('src/guide/gamma.md', null);
    expect((await get('/guide/alpha/')).text).not.toContain('href="/guide/gamma/"');
    expect((await get('/guide/gamma/')).status).toBe(404);
  });

  it('a front-matter mistake in one page is reported while its last good version is served', async () => {
    // A misspelt field: the title stays, so this is re-rendered on its own, not with a full rebuild.
    await edit('src/guide/beta.md', '---\ntitle: Beta renamed\ndescripton: oops\n---\nBroken beta.\n');
    expect(server.site.problems.map((p) => p.file)).toEqual(['src/guide/beta.md']);
    expect(events.filter((e) => e.event === 'problems').at(-1)?.data).toEqual([expect.stringMatching(/^src\/guide\/beta\.md:3:1 {2}.*descripton/)]);
    expect((await get('/guide/beta/')).text).not.toContain('Broken beta.');
    await edit('src/guide/beta.md', '---\ntitle: Beta renamed\n---\nFixed again.\n');
    expect(server.site.problems).toEqual([]);
    expect((await get('/guide/beta/')).text).toContain('Fixed again.');
  });

  it('a page broken at the last full build is rendered completely and listed once fixed', async () => {
    await edit('src/guide/delta.md', '---\ntitle: [unclosed\n---\nDelta.\n');
    expect((await get('/guide/delta/')).status).toBe(404);
    expect(server.site.problems.map((p) => p.file)).toContain('src/guide/delta.md');
    await edit('src/guide/delta.md', '---\ntitle: Delta\n---\nDelta fixed.\n\n{{> note}}\n');
    const page = (await get('/guide/delta/')).text;
    expect(page).toContain('Delta fixed.');
    expect(page).toContain('Shared note v1.');
    expect(page).not.toContain('{{');
    expect((await get('/guide/alpha/')).text).toContain('href="/guide/delta/"');
    expect(server.site.problems).toEqual([]);
    await edit('src/guide/delta.md', null);
  });

  it('a partial change re-renders the pages that use it', async () => {
    await edit('partials/note.md', 'Shared note v2.\n');
    expect((await get('/guide/alpha/')).text).toContain('Shared note v2.');
  });

  it('a layout change re-renders every page', async () => {
    await edit('layouts/default.hbs', '<html><body><main data-v="2">{{{content}}}</main></body></html>');
    expect((await get('/guide/beta/')).text).toContain('<main data-v="2">');
    expect((await get('/')).text).toContain('<main data-v="2">');
  });
});

/** Sends raw bytes (what fetch would refuse or normalise) and returns the status line. */
async function raw(request: string): Promise<string> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text.split('\r\n')[0]!));
    socket.on('error', (e) => (text ? resolve(text.split('\r\n')[0]!) : reject(e)));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });
}

describe('dev server: what browsers, scanners and editors send', () => {
  it('a malformed %-escape is a 400, and the server keeps serving', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/guide/%ZZ/')).status).toBe(400);
    expect((await get('/%00/')).status).toBe(400);
    expect((await get('/')).status).toBe(200);
  });

  it('a broken request line, a bad absolute URL, a very long URL: each answered, the server lives on', async () => {
    expect(await raw('GET http://[::1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw('GET / HTTP/1.1\r\nHost: [bad\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    expect(await raw('NOT A REQUEST\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect((await get(`/${'b'.repeat(8_000)}/`)).status).toBe(404);
    expect((await get('/guide/alpha/')).status).toBe(200);
  });

  it('.. never leaves the site: resolved like a browser does, above the root is the root', async () => {
    expect(await raw('GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 404 Not Found');
    expect(await raw('GET /%2e%2e/%2e%2e/site.yml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 404 Not Found');
    expect(await raw('GET /guide/../guide/alpha/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 200 OK');
  });

  it('HEAD is answered without a body; POST and others are 405 with Allow', async () => {
    const head = await fetch(`http://127.0.0.1:${server.port}/guide/alpha/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`http://127.0.0.1:${server.port}/guide/alpha/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/guide/alpha/')).status).toBe(200);
  });
});

describe('dev server: changes that arrive together', () => {
  it('deleting a folder of pages is one rebuild, not one per page', async () => {
    const d = tempDir('dev-batch-');
    const files: Record<string, string> = {
      'site.yml': 'title: Batch\n',
      'layouts/default.hbs': '<html><body>{{{content}}}</body></html>',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
    };
    for (let i = 0; i < 40; i++) files[`src/bulk/p${i}.md`] = `---\ntitle: P${i}\n---\nText ${i}.\n`;
    writeProject(d, files);
    const lines: string[] = [];
    const s = await startDevServer({ root: d, port: 0, log: (l) => lines.push(l) });
    try {
      expect((await fetch(`http://127.0.0.1:${s.port}/bulk/p7/`)).status).toBe(200);
      const before = lines.length;
      fs.rmSync(path.join(d, 'src/bulk'), { recursive: true });
      const deadline = Date.now() + 15_000;
      while ((await fetch(`http://127.0.0.1:${s.port}/bulk/p39/`)).status !== 404 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      await s.settled();
      const rebuilds = lines.slice(before).filter((l) => /rebuilt the site|re-rendered/.test(l));
      expect(rebuilds, lines.slice(before).join("\n")).toHaveLength(1);
      expect(rebuilds[0]).toMatch(/: rebuilt the site in \d+ ms$/);
      for (const i of [0, 20, 39]) expect((await fetch(`http://127.0.0.1:${s.port}/bulk/p${i}/`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('a checkout that retitles many pages at once is one rebuild, though a single edit is applied at once', async () => {
    const d = tempDir('dev-checkout-');
    const files: Record<string, string> = {
      'site.yml': 'title: Checkout\n',
      'layouts/default.hbs': '<html><body><nav>{{{nav.section}}}</nav>{{{content}}}</body></html>',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
    };
    for (let i = 0; i < 30; i++) files[`src/bulk/p${i}.md`] = `---\ntitle: P${i}\n---\nText ${i}.\n`;
    writeProject(d, files);
    const lines: string[] = [];
    const s = await startDevServer({ root: d, port: 0, log: (l) => lines.push(l) });
    try {
      const before = lines.length;
      for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(d, `src/bulk/p${i}.md`), `---\ntitle: Q${i}\n---\nText ${i}.\n`);
      const deadline = Date.now() + 15_000;
      while (!(await fetch(`http://127.0.0.1:${s.port}/bulk/p29/`).then((r) => r.text())).includes('>Q0<') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      await s.settled();
      const updates = lines.slice(before).filter((l) => /rebuilt the site|re-rendered/.test(l));
      expect(updates, lines.slice(before).join('\n')).toHaveLength(1);
      expect(updates[0]).toMatch(/: rebuilt the site in \d+ ms$/);
      const page = await fetch(`http://127.0.0.1:${s.port}/bulk/p5/`).then((r) => r.text());
      for (const i of [0, 5, 29]) expect(page).toContain(`>Q${i}<`);
      // Then one body edit on its own: re-rendered alone, not a rebuild.
      const mark = lines.length;
      fs.writeFileSync(path.join(d, 'src/bulk/p5.md'), '---\ntitle: Q5\n---\nText 5, edited.\n');
      while (!(await fetch(`http://127.0.0.1:${s.port}/bulk/p5/`).then((r) => r.text())).includes('edited') && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
      await s.settled();
      expect(lines.slice(mark).filter((l) => /rebuilt the site|re-rendered/.test(l))).toEqual([expect.stringMatching(/^src\/bulk\/p5\.md: re-rendered \/bulk\/p5\/ in \d+ ms$/)]);
    } finally {
      await s.close();
    }
  });

  it('a page deleted while the first build runs is not served once it is done', async () => {
    const d = tempDir('dev-first-');
    writeProject(d, {
      'site.yml': 'title: First\n',
      'layouts/default.hbs': '<html><body>{{{content}}}</body></html>',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
      'src/gone.md': '---\ntitle: Gone\n---\nDeleted during the first build.\n',
    });
    const s = await startDevServer({ root: d, port: 0, log: () => {}, afterFirstRead: () => fs.rmSync(path.join(d, 'src/gone.md')) });
    try {
      const deadline = Date.now() + 10_000;
      while ((await fetch(`http://127.0.0.1:${s.port}/gone/`)).status !== 404 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await fetch(`http://127.0.0.1:${s.port}/gone/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
