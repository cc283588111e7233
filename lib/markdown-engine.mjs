/**
 * The Markdown engine given to @metalsmith/markdown (its `render` option): md4c, the CommonMark
 * parser in C, compiled to WebAssembly by md4w. The plugin's default engine, marked, is not used to
 * render pages.
 *
 * Why (measured on this 2-core machine, the 10,000 pages of `npm run bench`, bodies only, warm):
 *   marked 4.3 (gfm)     1.90-2.03 s   (4.4 s of a 15.5 s build: in the build its lexer runs slower
 *                                       still, in a heap full of the other pages)
 *   marked 18, markdown-it 15          no faster than marked 4.3 (1.7-2.3 s)
 *   markdown-wasm 1.2 (md4c)  0.39-0.45 s
 *   md4w 0.2.7 (md4c)         0.33-0.44 s   <- chosen: the faster one, and a newer md4c (CommonMark 0.31)
 * The 10,000-page build target (issue #4) cannot be met while one stage alone takes ~30% of it.
 *
 * marked stays for the template shield's lexer (lib/shield.ts), which only finds code.
 *
 * Plain JavaScript with types in markdown-engine.d.mts, like highlight.mjs.
 */
import { init, mdToHtml, setCodeHighlighter } from 'md4w';
import { codeBlock } from './highlight.mjs';

// md4w keeps one WebAssembly instance and one highlighter per process (module scope in md4w).
// Both are set here, once, when this module loads: the highlighter is a pure function of its
// arguments, so no build's state is ever held there, and every build in a process (the dev server,
// the tests) renders the same text the same way.
// Compiling the WebAssembly takes ~50 ms; it runs in the background while the build reads the
// source and runs the stages before markdown, which wait for `markdownReady` (not awaited here:
// a top-level await held up loading the rest of the program for that long).
export const markdownReady = init('fast');
markdownReady.catch(() => {}); // reported by the markdown stage, which waits for it, not as an unhandled rejection at load
setCodeHighlighter((language, code) => `${codeBlock(code, language)}\n`);

/**
 * GitHub-flavoured Markdown, as people editing in GitHub's web editor see it previewed: tables,
 * ~~strike-through~~, task lists, and bare URLs, www. addresses and e-mail addresses as links.
 * Raw HTML is allowed (as GitHub and marked allow it); whitespace is kept as written.
 */
const PARSE_FLAGS = ['TABLES', 'STRIKETHROUGH', 'TASKLISTS', 'PERMISSIVE_URL_AUTO_LINKS', 'PERMISSIVE_WWW_AUTO_LINKS', 'PERMISSIVE_EMAIL_AUTO_LINKS'];
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
