/**
 * alerts.json (after permalinks): every alert name -> its permanent URL (`url`, the one to paste
 * into a monitor's runbook link: it keeps working when the runbook moves) and the URL of its runbook
 * page today (`page`). Absolute when site.yml sets `url`, root-relative otherwise. Keys sorted,
 * so the file is byte-identical between builds of the same input.
 * Reads: metadata alerts (alert -> runbook page), page.url. Writes: the file `alerts.json`.
 */
import type Metalsmith from 'metalsmith';
import { alertPublicUrl, publicUrl } from '../lib/alerts/urls.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Page } from '../lib/core/page.ts';

export default function alertsJson(ctx: BuildContext): Metalsmith.Plugin {
  return function alertsJson(files, metalsmith) {
    const alerts = (metalsmith.metadata() as { alerts?: Map<string, Page> }).alerts ?? new Map<string, Page>();
    const map: Record<string, { url: string; page: string }> = {};
    for (const name of [...alerts.keys()].sort()) {
      map[name] = { url: alertPublicUrl(ctx, name), page: publicUrl(ctx.site.url, alerts.get(name)!.url!) }; // page URLs hold the base path already
    }
    files['alerts.json'] = { contents: Buffer.from(`${JSON.stringify(map, null, 2)}\n`), mode: '0644' };
    metalsmith.debug('runbook-smith:alerts-json')('%d alerts', alerts.size);
  };
}
