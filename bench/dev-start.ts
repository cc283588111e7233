/**
 * The dev server's engine alone (scripts/dev-site.ts), with per-stage timings: its start, then
 * `edits` one-page edits of dir-0001/page-0001.md.
 *
 *   node scripts/run.mjs bench/dev-start.ts <corpus root> [cacheDir] [edits]
 */
import fs from 'node:fs';
import path from 'node:path';
import { DevSite } from '../scripts/dev-site.ts';

const ms = (t: Map<string, number>) => Object.fromEntries([...t].map(([k, v]) => [k, Math.round(v)]));

export async function main(argv: string[]): Promise<number> {
  const root = path.resolve(argv[0]!);
  const cache = argv[1] || undefined;
  const edits = Number(argv[2] ?? 0);
  const t0 = performance.now();
  const site = new DevSite({ root, cache });
  const r = await site.full();
  console.log(JSON.stringify({ fullMs: Math.round(performance.now() - t0), sinceProcessStart: Math.round(performance.now()), reused: r.reused, timings: ms(site.timings), maxRSSMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
  const file = path.join(root, 'src', 'dir-0001', 'page-0001.md');
  const original = fs.readFileSync(file, 'utf8');
  try {
    for (let i = 0; i < edits; i++) {
      fs.writeFileSync(file, `${original}\nedit ${i}\n`);
      site.timings.clear();
      const e = await site.sourceChanged(file);
      console.log(JSON.stringify({ edit: i, kind: e.kind, ms: Math.round(e.ms * 10) / 10, timings: Object.fromEntries([...site.timings].map(([k, v]) => [k, Math.round(v * 10) / 10])) }));
    }
  } finally {
    fs.writeFileSync(file, original);
  }
  return 0;
}
