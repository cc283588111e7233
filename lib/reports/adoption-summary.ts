/**
 * `npm run check -- --source <dir>`'s adoption summary: what the build found in a tree written for
 * another tool, in a few lines (pages, sections, runbooks; the tools' fields it understood; the
 * navigation files it read; what it left out or did not list, and why).
 */
import path from 'node:path';
import type { BuildContext } from '../core/context.ts';
import type { Page } from '../core/page.ts';

export function adoptionSummary(ctx: BuildContext, pages: readonly Page[]): string {
  const built = pages.filter((p) => p.url && !p.generated404);
  const sections = built.filter((p) => p.isIndex).length;
  const runbooks = built.filter((p) => p.type === 'runbook').length;
  const lines = [`Adoption summary for ${path.relative(ctx.root, ctx.source) || '.'}:`];
  lines.push(`  ${built.length} ${built.length === 1 ? 'page' : 'pages'} in ${sections} ${sections === 1 ? 'section' : 'sections'} (${runbooks} ${runbooks === 1 ? 'runbook' : 'runbooks'})`);
  const byTool = new Map<string, string[]>();
  for (const [key, count] of [...ctx.adoption.fields].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    const [tool, field] = key.split('\u0000') as [string, string];
    byTool.set(tool, [...(byTool.get(tool) ?? []), `${field} (${count})`]);
  }
  for (const [tool, fields] of byTool) lines.push(`  ${tool} fields understood: ${fields.join(', ')}`);
  if (ctx.adoption.navFiles.length) lines.push(`  Navigation read from: ${ctx.adoption.navFiles.join(', ')}`);
  const list = (label: string, items: { source: string; why: string }[]) => {
    if (items.length) lines.push(`  ${label}: ${items.map((i) => `${i.source} (${i.why})`).sort().join(', ')}`);
  };
  list('Left out', ctx.adoption.leftOut);
  list('Built but not listed', ctx.adoption.unlisted);
  return lines.join('\n');
}
