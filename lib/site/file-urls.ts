/**
 * A page of the downloadable copy (issue 16): every URL the build wrote root-relative under the base
 * path (`/queues/backlog/#mitigation`, `/assets/site.x.css`) made relative to the page's own file,
 * with `index.html` where a server would have added it, since file:// has no server; the offline
 * badge filled in and the download paragraph replaced.
 *
 * It works on the page's bytes with indexOf, not a regular expression with a callback on a string:
 * at 10,000 pages it rewrites ~2 million URLs, and the string version was most of the archive's cost
 * (docs/decisions.md#archive-cost).
 */
import { pathEnd } from '../urls/path-end.ts';
import { BADGE_PLACEHOLDER } from './offline.ts';

/** The attributes that carry URLs in the build's output: href, src, action and data-* (byte compares: this runs ~2 million times at 10,000 pages). */
function carriesUrl(html: Buffer, start: number, end: number): boolean {
  const n = end - start;
  const c = html[start];
  if (n === 4) return c === 0x68 && html[start + 1] === 0x72 && html[start + 2] === 0x65 && html[start + 3] === 0x66; // href
  if (n === 3) return c === 0x73 && html[start + 1] === 0x72 && html[start + 2] === 0x63; // src
  if (n === 6) return c === 0x61 && html.toString('latin1', start, end) === 'action';
  return n > 5 && c === 0x64 && html[start + 1] === 0x61 && html[start + 2] === 0x74 && html[start + 3] === 0x61 && html[start + 4] === 0x2d; // data-
}

/** a-z and -, the characters of the attribute names above. */
function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 45;
}

/** HTML's whitespace between attributes. */
function isSpaceByte(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

const OPEN = Buffer.from('="');
const QUOTE = 0x22;
const BADGE = Buffer.from(BADGE_PLACEHOLDER);
const ARCHIVE_START = Buffer.from('<p class="offline-archive">');
const PARAGRAPH_END = Buffer.from('</p>');

/**
 * Every page is a folder of its own (`queues/backlog/index.html`), so relative paths are not
 * shared between pages: each URL is made relative by finding the nearest folder above the page that
 * holds its target, with string comparisons only (path.relative on ~2 million URLs cost seconds).
 * Attribute values are the build's own double-quoted output (escaped text never holds `="`).
 * The page it returns is a view of one buffer the next call overwrites: the archive deflates each
 * page at once, and reusing the bytes spares the garbage collector ~300 MB at 10,000 pages.
 */
export function fileUrlRewriter(base: string, day: string): (html: Buffer, rel: string) => Buffer<ArrayBufferLike> {
  const badge = Buffer.from(`<p class="offline-badge" role="status" data-rs-offline>Offline copy from ${day}</p>`);
  const archiveNote = Buffer.from('<p class="offline-archive">This is the offline copy of the site: it does not change when the site does. Download a new one when you can.</p>');
  let scratch = Buffer.alloc(256 * 1024);
  const baseFirst = Buffer.from(base)[0];
  return (html, rel) => {
    // The page's folder and the folders above it, nearest first, each with its prefix ("a/b/") and the way up to it.
    const segments = rel.split('/').slice(0, -1);
    const above: [prefix: string, up: string][] = [];
    for (let n = segments.length; n >= 0; n--) above.push([n ? `${segments.slice(0, n).join('/')}/` : '', '../'.repeat(segments.length - n)]);
    const toRoot = above[above.length - 1]![1] || './';
    const relative = (value: string): string | undefined => {
      if (!value.startsWith(base) || value.startsWith('//')) return undefined;
      const rest = value.slice(base.length);
      const cut = pathEnd(rest);
      let target = rest.slice(0, cut);
      if (target === '' || target.endsWith('/')) target += 'index.html';
      for (const [prefix, up] of above) {
        if (target.startsWith(prefix)) return `${up}${target.slice(prefix.length)}${rest.slice(cut)}`;
      }
      return undefined; // never: the last prefix is ''
    };

    // The badge and the download paragraph are replaced whole; URLs are rewritten in the rest.
    const replaced: [start: number, end: number, by: Buffer][] = [];
    const badgeAt = html.indexOf(BADGE);
    if (badgeAt >= 0) replaced.push([badgeAt, badgeAt + BADGE.length, badge]);
    const archiveAt = html.indexOf(ARCHIVE_START);
    const archiveEnd = archiveAt < 0 ? -1 : html.indexOf(PARAGRAPH_END, archiveAt);
    if (archiveEnd >= 0) replaced.push([archiveAt, archiveEnd + PARAGRAPH_END.length, archiveNote]);
    replaced.sort((a, b) => a[0] - b[0]);

    const pieces: (Buffer | string)[] = [];
    let kept = 0; // html[kept..] is not in pieces yet
    const rewriteUrls = (from: number, until: number) => {
      for (;;) {
        const eq = html.indexOf(OPEN, from);
        if (eq < 0 || eq >= until) return;
        const close = html.indexOf(QUOTE, eq + 2);
        if (close < 0 || close >= until) return;
        let start = eq;
        while (start > 0 && isNameByte(html[start - 1]!)) start--;
        if (start === eq || start === 0 || !isSpaceByte(html[start - 1]!) || !carriesUrl(html, start, eq)) {
          from = eq + 1;
          continue;
        }
        // ` data-base` (after a space) is where the page's scripts find the site's root.
        const dataBase = html[start - 1] === 32 && eq - start === 9 && html.toString('latin1', start, eq) === 'data-base';
        // Only a value starting like the base path can change: most are decoded only then.
        const value = dataBase ? toRoot : html[eq + 2] === baseFirst ? relative(html.toString('utf8', eq + 2, close)) : undefined;
        if (value) {
          pieces.push(html.subarray(kept, eq + 2), value);
          kept = close;
        }
        from = close + 1;
      }
    };
    let from = 0;
    for (const [start, end, by] of replaced) {
      if (start < from) continue; // overlapping regions: never in the build's pages
      rewriteUrls(from, start);
      pieces.push(html.subarray(kept, start), by);
      kept = from = end;
    }
    rewriteUrls(from, html.length);
    pieces.push(html.subarray(kept));
    let length = 0;
    for (const p of pieces) length += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
    if (length > scratch.length) scratch = Buffer.alloc(length * 2);
    let at = 0;
    for (const p of pieces) at += typeof p === 'string' ? scratch.write(p, at) : p.copy(scratch, at);
    return scratch.subarray(0, length);
  };
}
