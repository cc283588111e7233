/**
 * Markdown rendering (md4c + highlight.js, the markdown stage's engine) on this thread or on two
 * worker threads through a pool, for the record in docs/decisions.md#threads-md4c:
 *
 *   npm install --no-save piscina@5.3.2 tinypool@2.2.0
 *   node bench/threads.mjs <corpus>/src main|piscina|tinypool [pages per task, default 250]
 *
 * Prints one line of JSON: wall ms (engine loading included, as a build pays it), this process's CPU
 * ms (workers included), the HTML's bytes (the same in every mode) and peak RSS.
 */
import fs from 'node:fs';
import path from 'node:path';

const [src, mode, perTask] = process.argv.slice(2);
if (!src || !['main', 'piscina', 'tinypool'].includes(mode ?? '')) throw new Error('usage: node bench/threads.mjs <folder> main|piscina|tinypool [pages per task]');
const batch = Number(perTask ?? 250);
const texts = [];
const visit = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) visit(full);
    else texts.push(fs.readFileSync(full, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, ''));
  }
};
visit(src);
const started = performance.now();
const cpu0 = process.cpuUsage();
let html;
if (mode === 'main') {
  const { markdownReady, renderMarkdown } = await import('../lib/markdown/markdown-engine.mjs');
  await markdownReady;
  html = texts.map((t) => renderMarkdown(t));
} else {
  const Pool = mode === 'piscina' ? (await import('piscina')).Piscina : (await import('tinypool')).Tinypool;
  const pool = new Pool({ filename: new URL('./lib/render-worker.mjs', import.meta.url).href, minThreads: 2, maxThreads: 2 });
  const tasks = [];
  for (let i = 0; i < texts.length; i += batch) tasks.push(pool.run(texts.slice(i, i + batch)));
  html = (await Promise.all(tasks)).flat();
  await pool.destroy();
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ mode, pages: texts.length, ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000), htmlBytes: html.reduce((a, h) => a + h.length, 0), rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
