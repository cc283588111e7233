/**
 * Where a page's Markdown writes each of its links, for problems at the right line and column.
 *
 * The rendered HTML keeps no source positions, so the places the Markdown writes a link target
 * (`](target`, `[ref]: target`, `href=`/`src=` of raw HTML) are found in one pass, and the page's
 * links, in the order the HTML has them, take those places in order: the second link to
 * `missing.md` is reported where the second one is written, and link text that happens to read
 * `missing.md` is never taken for it. A link the pass did not find (one a partial or helper wrote)
 * is searched as plain text, a bounded number of times a page, so the whole lookup stays linear
 * (10,000 broken links on one page once took minutes: issue 12).
 */
import { decodeHTML } from 'entities';
import { lineStarts, positionAt } from '../util/line-index.ts';

const TARGETS: readonly RegExp[] = [
  /\]\(\s*<([^>\n]*)>/g,
  /\]\(\s*([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)/g,
  /^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)/gm,
  /\b(?:href|src)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s>"']+))/gi,
];
/** How many links a page may leave to the plain-text search (each costs a pass over the page). */
const TEXT_SEARCHES = 50;

export interface Position {
  line: number;
  column: number;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The forms a link's value (from the HTML, entities decoded) may have been written in. */
function writtenForms(value: string): string[] {
  return [...new Set([value, decodeHTML(value), safeDecode(value), value.replace(/%20/g, ' ')])].filter(Boolean);
}

/**
 * Positions (1-based, within `text`) of the links at the indexes in `wanted`, given every link
 * value of the page in HTML order; a link it cannot find is left out of the map.
 */
export function locateLinks(text: string, values: readonly string[], wanted: ReadonlySet<number>): Map<number, Position> {
  const places = new Map<string, number[]>();
  for (const re of TARGETS) {
    for (const m of text.matchAll(re)) {
      const i = m.slice(1).findIndex((g) => g !== undefined);
      if (i === -1) continue;
      const target = m[i + 1]!;
      const offset = m.index! + m[0].length - target.length - (m[0].endsWith('>') || /["']$/.test(m[0]) ? 1 : 0);
      const list = places.get(target);
      if (list) list.push(offset);
      else places.set(target, [offset]);
    }
  }
  for (const list of places.values()) list.sort((a, b) => a - b);
  const taken = new Map<string, number>();
  const take = (forms: readonly string[]): number | undefined => {
    for (const f of forms) {
      const list = places.get(f);
      if (!list) continue;
      const n = taken.get(f) ?? 0;
      taken.set(f, n + 1);
      return list[Math.min(n, list.length - 1)];
    }
    return undefined;
  };

  const starts = lineStarts(text);

  const out = new Map<number, Position>();
  let searches = 0;
  for (const [index, value] of values.entries()) {
    const forms = writtenForms(value);
    let offset = take(forms);
    if (offset === undefined && wanted.has(index) && searches < TEXT_SEARCHES) {
      searches++;
      for (const f of forms) {
        const i = text.indexOf(f);
        if (i !== -1) {
          offset = i;
          break;
        }
      }
    }
    if (offset !== undefined && wanted.has(index)) out.set(index, positionAt(starts, offset));
  }
  return out;
}
