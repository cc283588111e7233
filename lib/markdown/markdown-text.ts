/**
 * Values from front matter and site.yml written into the Markdown the build generates (the Teams,
 * Services and Alerts pages): each comes out as exactly its text, never as Markdown, HTML, a link,
 * a table column or a `{{template}}`. A service named `<img src=x onerror=...>` or an alert name
 * with a backtick in it used to reach those pages as live HTML (issue 12).
 */
import { escapeHtml } from '../util/text.ts';

/** Every ASCII punctuation character: CommonMark lets a backslash make any of them literal. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;
const LINE_BREAKS = /[\r\n]+/g;

/**
 * Inline Markdown text that renders as `value`, on one line. Backslash-escaping every ASCII
 * punctuation character defuses HTML (`\<`), entities (`\&`), links and autolinks (`\[`, `\:`,
 * `\.`, `\@`), emphasis, code spans, table pipes (`\|`, honoured by GFM tables) and Handlebars
 * (`\{\{` is no `{{`). Line breaks would end a table row or heading: they become spaces.
 */
export function markdownText(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(PUNCTUATION, '\\$&');
}

/**
 * Text inside raw HTML written into generated Markdown (an HTML block, such as the generated
 * tables): HTML-escaped, and on one line, because a blank line ends the HTML block and Markdown
 * would read what follows (`[x](javascript:...)` would become a link).
 */
export function markdownHtmlText(value: string): string {
  return escapeHtml(value.replace(LINE_BREAKS, ' '));
}

/**
 * A link target for a source-relative path: every segment percent-encoded (parentheses, spaces,
 * line breaks, quotes, `#`, `?` and `%` included), so the path can neither end the link or the
 * HTML block early nor be read as an anchor or a query; the links stage decodes it to the file.
 */
export function markdownPath(relative: string): string {
  return relative
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}
