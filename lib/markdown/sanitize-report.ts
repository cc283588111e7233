/**
 * The sanitizer's removals (lib/markdown/sanitize.ts) as warnings at the file and line where the author
 * wrote them: "src/queues/a.md:12:1  removed the onerror attribute from <img>: scripts are not
 * allowed in runbooks". The sanitizer sees rendered HTML; the line is found by searching the page's
 * text (then the partials, for HTML a page includes) for the tag or the URL, each removal of the
 * same kind at the next occurrence.
 */
import type { BuildContext } from '../core/context.ts';
import { lineColumnAt } from '../core/diagnostics.ts';
import type { Page } from '../core/page.ts';
import { describeRemoval, removalPattern, URL_ATTRIBUTES, type Removal } from './sanitize.ts';
import { sourceBody } from '../core/source-text.ts';

const HINT = 'The page is published without it. Write it in Markdown, or use the HTML GitHub shows (details/summary, tables, kbd, sup/sub, images with https:// addresses).';

interface Place {
  /** A partial's absolute path, or undefined for the page itself. */
  file?: string;
  line: number;
  column: number;
}

/** Reports each removal once per build and place (a partial used by many pages is reported once). */
export class RemovalReporter {
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: BuildContext) {}

  report(page: Page, removed: readonly Removal[]): void {
    if (!removed.length) return;
    const texts: { file?: string; text: string; offset: number }[] = [{ text: page.markdown ?? sourceBody(this.ctx, page), offset: page.bodyLine - 1 }];
    for (const p of this.ctx.cache.partials ?? []) texts.push({ file: p.file, text: p.text, offset: 0 });
    const cursors = new Map<string, { text: number; at: number }>();
    for (const r of removed) {
      const place = this.locate(r, texts, cursors) ?? { line: page.bodyLine, column: 1 };
      const message = describeRemoval(r);
      const key = `${place.file ?? page.source}:${place.line}:${place.column}:${message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const problem = { code: 'html/removed', severity: 'warning' as const, line: place.line, column: place.column, message, hint: HINT };
      if (place.file) this.ctx.diagnostics.reportFile(place.file, problem);
      else this.ctx.diagnostics.report(page.source, problem);
    }
  }

  /** The next place, after the previous removal of the same kind, where the text writes this. */
  private locate(r: Removal, texts: { file?: string; text: string; offset: number }[], cursors: Map<string, { text: number; at: number }>): Place | undefined {
    const tries: { kind: string; find: (text: string, from: number) => { index: number; end: number } | undefined }[] = [];
    // A link or image address (in HTML, or written in Markdown: [x](javascript:...)): its value
    // tells it from the allowed ones around it, so it is looked for first.
    if (r.value && r.attribute && URL_ATTRIBUTES.includes(r.attribute)) {
      // md4c percent-encodes some characters of a Markdown link's address (' becomes %27).
      const written = r.value.trim();
      let value = written;
      try {
        value = decodeURI(written);
      } catch {
        // not valid percent-encoding: look for it as it is
      }
      tries.push({
        kind: `value:${value}`,
        find: (text, from) => {
          const i = text.indexOf(value, from);
          return i === -1 ? undefined : { index: i, end: i + value.length };
        },
      });
    }
    const pattern = removalPattern(r);
    tries.push({
      kind: pattern.source,
      find: (text, from) => {
        pattern.lastIndex = from;
        const m = pattern.exec(text);
        return m ? { index: m.index, end: m.index + m[0].length } : undefined;
      },
    });
    for (const t of tries) {
      const cursor = cursors.get(t.kind) ?? { text: 0, at: 0 };
      for (let i = cursor.text; i < texts.length; i++) {
        const found = t.find(texts[i]!.text, i === cursor.text ? cursor.at : 0);
        if (!found) continue;
        cursors.set(t.kind, { text: i, at: found.end });
        const lc = lineColumnAt(texts[i]!.text, found.index);
        return { file: texts[i]!.file, line: lc.line + texts[i]!.offset, column: lc.column };
      }
    }
    return undefined;
  }
}
