/**
 * alerts.json (after permalinks): every alert name -> the URL of its runbook, ready to paste into a
 * monitor's runbook link. Absolute when site.yml sets `url`, root-relative otherwise. Keys sorted,
 * so the file is byte-identical between builds of the same input.
 */
import type Metalsmith from 'metalsmith';
import { originOf } from '../lib/base.ts';
import type { BuildContext } from '../lib/context.ts';
import type { Page } from '../lib/page.ts';

export default function alertsJson(ctx: BuildContext): Metalsmith.Plugin {
  return function alertsJson(files, metalsmith) {
    const alerts = (metalsmith.metadata() as { alerts?: Map<string, Page> }).alerts ?? new Map<string, Page>();
    // Page URLs hold the base path already: only the scheme and host are added.
    const base = ctx.site.url ? originOf(ctx.site.url) : '';
    const map: Record<string, string> = {};
    for (const name of [...alerts.keys()].sort()) map[name] = `${base}${alerts.get(name)!.url}`;
    files['alerts.json'] = { contents: Buffer.from(`${JSON.stringify(map, null, 2)}\n`), mode: '0644' };
    metalsmith.debug('runbook-smith:alerts-json')('%d alerts', alerts.size);
  };
}
