/**
 * The sanitizer's cost on pages that all have raw HTML and lose nothing to it (a `<details>` block
 * with a summary, a table, `<kbd>`, an image and a line break): this tree's lib/markdown/sanitize.ts
 * against the one at a git revision, in one process, alternating A and B, medians of the runs
 * (docs/decisions.md#sanitizer-precheck).
 *
 *   npx tsx bench/sanitize.ts [--ref <git revision>] [--pages 10000] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { markdownReady, renderMarkdown } from '../lib/markdown/markdown-engine.mjs';
import { median } from './lib/stats.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
};
const ref = opt('ref', 'HEAD~1');
const pages = Number(opt('pages', '10000'));
const runs = Number(opt('runs', '5'));

type Sanitize = (html: string, hasRawHtml: boolean) => { html: string; removed: unknown[] };
const root = path.resolve(import.meta.dirname, '..');
const work = path.join(root, 'bench', '.work');
fs.mkdirSync(work, { recursive: true });
const old = path.join(work, 'sanitize-ref.ts');
fs.writeFileSync(old, execFileSync('git', ['show', `${ref}:lib/markdown/sanitize.ts`], { cwd: root, encoding: 'utf8' }));
const a: Sanitize = (await import(old)).sanitizeRendered;
const b: Sanitize = (await import('../lib/markdown/sanitize.ts')).sanitizeRendered;

await markdownReady;
const html: string[] = [];
for (let i = 0; i < pages; i++) {
  html.push(
    renderMarkdown(
      `## Check ${i}\n\nRun the check on node ${i}.\n\n<details>\n<summary>Show the output of step ${i}</summary>\n\n` +
        `| host | state |\n| --- | --- |\n| web-${i} | ok |\n\nPress <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop.<br>\n\n` +
        `![graph](https://grafana.example.com/render/${i}.png)\n\n</details>\n\nThen go on with [the next step](#check-${i + 1}).\n`,
    ),
  );
}
const time = (f: Sanitize) => {
  const t0 = performance.now();
  let removed = 0;
  for (const h of html) removed += f(h, true).removed.length;
  if (removed) throw new Error(`expected nothing removed, got ${removed}`);
  return (performance.now() - t0) / 1000;
};
const ta: number[] = [];
const tb: number[] = [];
for (let r = 0; r < runs; r++) {
  ta.push(time(a));
  tb.push(time(b));
}
const ma = median(ta)!;
const mb = median(tb)!;
console.log(`${pages} pages with raw HTML, nothing removed; medians of ${runs} alternating runs`);
console.log(`  ${ref}: ${ma.toFixed(2)} s   this tree: ${mb.toFixed(2)} s   ratio ${(ma / mb).toFixed(2)}x`);
