/**
 * Reading aids put into a page's HTML at build time, so they hold with JavaScript off and cause no
 * layout shift (issue 16, docs/decisions.md "Phone and offline"):
 * - identifiers (`nsq.channel.backend_depth.high`, `ArchiveWorker`) get a <wbr> after each `.`,
 *   `_`, `-`, `/` and before each CamelCase hump, so a narrow column breaks them there and never
 *   mid-word (CSS `overflow-wrap: anywhere` broke `ops.s|ignin` and shrank table columns to a few
 *   characters);
 * - every Markdown table sits in its own scroll box (`.table-wrap`), so a wide table scrolls inside
 *   the article instead of pushing the page sideways.
 * - what axe finds in Markdown's own output is mended: a task list's checkbox gets a name ("done" /
 *   "to do"; it is disabled, its text follows it), and an empty header cell (the corner of a
 *   matrix table) becomes a plain cell, since a header must name something.
 * All of it works on the HTML md4c writes (`<table>`, `<code>` with no attributes), which is regular.
 */

/** `text` (already HTML-escaped) with <wbr> at identifier boundaries. */
export function breakIdentifier(escaped: string): string {
  // Entities (&amp; &#39;) contain none of . _ - / and no lower-to-upper change, so they stay whole.
  return escaped.replace(/([._\-/]+)(?=[^\s<])/g, '$1<wbr>').replace(/([a-z])(?=[A-Z][a-z])/g, '$1<wbr>');
}

const INLINE_CODE = /(?<!<pre>)<code>([^<]{12,})<\/code>/g;

/** Inline code spans of 12 characters or more get identifier break points (shorter ones never need them). */
export function breakInlineCode(html: string): string {
  return html.replace(INLINE_CODE, (_m, text: string) => `<code>${breakIdentifier(text)}</code>`);
}

/** Each Markdown table wrapped in a scroll box of its own. */
export function wrapTables(html: string): string {
  if (!html.includes('<table>')) return html;
  return html.replace(/<table>[\s\S]*?<\/table>/g, '<div class="table-wrap">$&</div>');
}

/** Task-list checkboxes named, empty header cells made plain cells. */
export function accessibleHtml(html: string): string {
  let out = html;
  if (out.includes('task-list-item-checkbox')) {
    out = out.replace(/<input type="checkbox" class="task-list-item-checkbox"( checked)? disabled>/g, (_m, checked: string | undefined) => `<input type="checkbox" class="task-list-item-checkbox"${checked ?? ''} disabled aria-label="${checked ? 'done' : 'to do'}">`);
  }
  if (out.includes('<th></th>')) out = out.replace(/<th><\/th>/g, '<td></td>');
  return out;
}

export function readableHtml(html: string): string {
  return accessibleHtml(wrapTables(breakInlineCode(html)));
}
