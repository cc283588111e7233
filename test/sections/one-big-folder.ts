/**
 * Child-process script for test/sections.test.ts: the sections stage alone on N pages in one folder.
 * Prints the seconds it took and the first and last three pages of the folder's order.
 */
import Metalsmith from 'metalsmith';
import { createContext } from '../../lib/core/context.ts';
import sections from '../../plugins/sections.ts';

const n = Number(process.argv[2] ?? 20000);
const root = process.argv[3]!;
const files: Record<string, unknown> = {
  'index.md': { contents: Buffer.from(''), title: 'Home', type: 'page', source: 'index.md', bodyLine: 1, markdown: '', dir: '', isIndex: true, section: '' },
  'big/index.md': { contents: Buffer.from(''), title: 'Big', type: 'page', source: 'big/index.md', bodyLine: 1, markdown: '', dir: 'big', isIndex: true, section: 'big' },
};
for (let i = 0; i < n; i++) {
  const name = `page-${String(n - i).padStart(6, '0')}`;
  files[`big/${name}.md`] = { contents: Buffer.from(''), title: `Page ${n - i}`, type: 'page', source: `big/${name}.md`, bodyLine: 1, markdown: '', dir: 'big', isIndex: false, section: 'big' };
}
const ctx = createContext({ root });
const started = performance.now();
const ms = Metalsmith(root).use(sections(ctx));
await ms.run(files as Metalsmith.Files);
const order = (ms.metadata() as { collections: Record<string, { title: string }[]> }).collections['big']!.map((p) => p.title);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, first: order.slice(0, 3), last: order.slice(-3), count: order.length }));
