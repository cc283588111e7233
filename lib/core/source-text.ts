/**
 * A page's Markdown body as the editor shows it, read again from disk when a problem needs its
 * line (the build does not keep a copy of every page's text for that).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BuildContext } from './context.ts';
import type { Page } from './page.ts';
import { normalizeNewlines } from '../util/text.ts';

export function sourceBody(ctx: BuildContext, page: Page): string {
  try {
    const text = normalizeNewlines(fs.readFileSync(path.join(ctx.source, page.source), 'utf8'));
    return text.split('\n').slice(page.bodyLine - 1).join('\n');
  } catch {
    return '';
  }
}
