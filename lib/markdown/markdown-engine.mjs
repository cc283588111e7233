/**
 * The Markdown engine given to @metalsmith/markdown (its `render` option): md4c, the CommonMark
 * parser in C, compiled to WebAssembly by md4w. The plugin's default engine, marked, is not used to
 * render pages.
 *
 * md4c because marked alone took ~30% of the 10,000-page build budget (docs/decisions.md#markdown-engine).
 *
 * The template shield (lib/markdown/shield.ts) asks this same parser what is code (`markdownTree`).
 *
 * Plain JavaScript with types in markdown-engine.d.mts, like highlight.mjs.
 */
import { init, mdToHtml, mdToJSON, setCodeHighlighter } from 'md4w';
import { codeBlock } from './highlight.mjs';

// md4w keeps one WebAssembly instance and one highlighter per process (module scope in md4w).
// Both are set here, once, when this module loads: the highlighter is a pure function of its
// arguments, so no build's state is ever held there, and every build in a process (the dev server,
// the tests) renders the same text the same way.
// The WebAssembly compiles in the background while the earlier stages run, so loading the program
// does not wait for it; the markdown stage awaits `markdownReady` (docs/decisions.md#markdown-engine).
export const markdownReady = init('fast');
markdownReady.catch(() => {}); // reported by the markdown stage, which waits for it, not as an unhandled rejection at load
setCodeHighlighter((language, code) => `${codeBlock(code, language)}\n`);

/**
 * GitHub-flavoured Markdown, as people editing in GitHub's web editor see it previewed: tables,
 * ~~strike-through~~, task lists, and bare URLs, www. addresses and e-mail addresses as links.
 * Raw HTML is allowed (as GitHub and marked allow it); whitespace is kept as written.
 */
/** @type {readonly string[]} */
const PARSE_FLAGS = ['TABLES', 'STRIKETHROUGH', 'TASKLISTS', 'PERMISSIVE_URL_AUTO_LINKS', 'PERMISSIVE_WWW_AUTO_LINKS', 'PERMISSIVE_EMAIL_AUTO_LINKS'];
/** @type {Readonly<{ parseFlags: readonly string[] }>} */
const OPTIONS = { parseFlags: PARSE_FLAGS };

// md4w ends every heading with its own anchor, `<a class="anchor" aria-hidden="true" id=".." href="#.."></a>`,
// and has no option to leave it out. Heading ids and anchors are the headings stage's job
// (unique ids per page, kept stable across builds), so that element is removed. md4w writes it in
// exactly this form, with the id HTML-escaped, directly before the closing tag.
const MD4W_ANCHOR = / ?<a class="anchor" aria-hidden="true" id="[^"<>]*" href="#[^"<>]*"><\/a>(?=<\/h[1-6]>)/g;

/** A page's Markdown as HTML. */
export function renderMarkdown(text) {
  // md4w 0.2.7 throws "Invalid typed array length: 0" on empty input (a page that is front matter only).
  if (text === '') return '';
  const html = mdToHtml(text, OPTIONS);
  return html.includes('class="anchor"') ? html.replace(MD4W_ANCHOR, '') : html;
}

// md4w 0.2.7's 'NO_HTML' shorthand turns off inline HTML only (a <script> block still came through): both named.
/** @type {Readonly<{ parseFlags: readonly string[] }>} */
const NO_HTML_OPTIONS = { parseFlags: [...PARSE_FLAGS, 'NO_HTML_BLOCKS', 'NO_HTML_SPANS'] };

/**
 * Whether `html`, rendered from `text`, holds HTML the author wrote (raw HTML blocks or inline
 * tags), which is what the sanitizer has to read (lib/markdown/sanitize.ts). Exact, not a guess from the
 * text: md4c renders the text again with raw HTML turned off (it then shows it as text), and the
 * two differ exactly when there was some. Without a `<` there can be none, and the second render is skipped.
 */
export function hasRawHtml(text, html) {
  if (!text.includes('<')) return false;
  const plain = mdToHtml(text, NO_HTML_OPTIONS);
  return (plain.includes('class="anchor"') ? plain.replace(MD4W_ANCHOR, '') : plain) !== html;
}

/**
 * The page's Markdown as md4c reads it, as a tree (md4w's JSON: `{ type, props, children }`, text as
 * strings), with the same options as renderMarkdown(): what is code here is code on the page.
 * Used by the template shield (lib/markdown/shield.ts) to tell `{{` in code from `{{` in text.
 */
export function markdownTree(text) {
  return mdToJSON(text, OPTIONS);
}
