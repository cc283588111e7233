/**
 * Keeps code out of Handlebars' reach.
 *
 * Handlebars knows nothing of Markdown: run over a page, it deletes `{{ $labels.instance }}`
 * inside a code fence, fails on `{{ .Values.image }}`, and escapes `{{x}}` output that Markdown
 * then escapes again (see FACTS.md). Before templating, every code region that Markdown will
 * render as code (fenced blocks, indented blocks, inline code spans) is swapped for an opaque
 * placeholder; after templating the placeholders are swapped back, byte for byte.
 *
 * Code regions are found with marked's lexer (pages are rendered by md4c, lib/markdown-engine.mjs;
 * both follow CommonMark), so lists and blockquotes are handled as Markdown decides.
 *
 * A placeholder keeps the region's line count (it carries the same number of newlines), so the
 * line numbers in Handlebars' error messages still match the file.
 */
import { marked } from 'marked';

const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = /\uE000(\d+)\n*\uE001/g;

/** One table of shielded regions per build (never module-global: builds must not share state). */
export class CodeShield {
  private readonly regions: string[] = [];

  /** Replaces code regions of `markdown` with placeholders. Cheap when there is no `{{` at all. */
  shield(markdown: string): string {
    if (!markdown.includes('{{')) return markdown;
    const spans = marginFencesHoldingAllBraces(markdown) ?? findCodeSpans(markdown);
    if (!spans.length) return markdown;
    let out = '';
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at) continue; // nested or overlapping: the outer region already covers it
      const code = markdown.slice(start, end);
      out += markdown.slice(at, start) + this.placeholder(code);
      at = end;
    }
    return out + markdown.slice(at);
  }

  /** Puts the original code back. */
  restore(text: string): string {
    if (!text.includes(OPEN)) return text;
    return text.replace(TOKEN, (_, i: string) => this.regions[Number(i)] ?? '');
  }

  private placeholder(code: string): string {
    const index = this.regions.push(code) - 1;
    const newlines = code.split('\n').length - 1;
    return `${OPEN}${index}${'\n'.repeat(newlines)}${CLOSE}`;
  }
}

type Span = [start: number, end: number];

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Fast path: the fenced code blocks that start at the left margin (0-3 spaces), found line by line
 * with CommonMark's fence rules, but only when every `{{` of the page is inside one of them (the
 * common case: a runbook whose only braces are a Go or Helm template in a code block). Otherwise
 * undefined, and the caller asks marked's lexer, ~35x slower (docs/decisions.md#shield-fast-path).
 */
export function marginFencesHoldingAllBraces(markdown: string): Span[] | undefined {
  const spans: Span[] = [];
  let open: { char: string; len: number; start: number } | undefined;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const end = offset + line.length;
    if (!open) {
      const m = FENCE_OPEN.exec(line);
      if (m && !(m[1]![0] === '`' && m[2]!.includes('`'))) open = { char: m[1]![0]!, len: m[1]!.length, start: offset };
    } else {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === open.char && close[1]!.length >= open.len) {
        spans.push([open.start, end]);
        open = undefined;
      }
    }
    offset = end + 1;
  }
  if (open) spans.push([open.start, markdown.length]); // an unclosed fence runs to the end of the page
  let i = -1;
  let s = 0;
  while ((i = markdown.indexOf('{{', i + 1)) !== -1) {
    while (s < spans.length && spans[s]![1] <= i) s++;
    if (s === spans.length || spans[s]![0] > i) return undefined;
  }
  return spans;
}

/** Offsets of every code region in a Markdown text, in document order. */
export function findCodeSpans(markdown: string): Span[] {
  const tokens = marked.lexer(markdown, { gfm: true, mangle: false, headerIds: false });
  const spans: Span[] = [];
  let cursor = 0;
  const visit = (list: marked.Token[] | undefined) => {
    if (!list) return;
    for (const token of list) {
      if (token.type === 'code' || token.type === 'codespan') {
        const found = locate(markdown, token.raw, cursor, token.type === 'code');
        if (found) {
          spans.push(found);
          cursor = found[1];
        }
        continue;
      }
      const t = token as marked.Token & {
        tokens?: marked.Token[];
        items?: { tokens?: marked.Token[] }[];
        header?: { tokens?: marked.Token[] }[];
        rows?: { tokens?: marked.Token[] }[][];
      };
      if (t.type === 'table') {
        for (const cell of t.header ?? []) visit(cell.tokens);
        for (const row of t.rows ?? []) for (const cell of row) visit(cell.tokens);
        continue;
      }
      if (t.items) for (const item of t.items) visit(item.tokens);
      visit(t.tokens);
    }
  };
  visit(tokens);
  return spans;
}

/**
 * Finds a token's raw text in the source from `from` on. Inside list items and blockquotes
 * marked strips each line's indentation or `>` before lexing, so a multi-line block is matched
 * line by line, allowing any indentation or quote markers before each line.
 */
function locate(source: string, raw: string, from: number, block: boolean): Span | undefined {
  const text = block ? raw.replace(/\n+$/, '') : raw;
  const direct = source.indexOf(text, from);
  if (direct !== -1) return [direct, direct + text.length];
  const lines = text.split('\n').map((l) => l.trimStart().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(lines.join('\\n[ \\t>]*'), 'g');
  re.lastIndex = from;
  const m = re.exec(source);
  return m ? [m.index, m.index + m[0].length] : undefined;
}

/**
 * Holds HTML produced by helpers (tabs, badges) until Markdown has run. Markdown would otherwise
 * re-read it: a blank line inside a multi-line command ends an HTML block and the rest turns into
 * paragraphs. The helper returns a one-line placeholder; after Markdown it becomes the HTML again
 * (unwrapping the paragraph Markdown puts around a placeholder that stands alone on its line).
 */
export class HtmlStash {
  private readonly parts: string[] = [];

  put(html: string): string {
    return `${HTML_OPEN}${this.parts.push(html) - 1}${HTML_CLOSE}`;
  }

  /**
   * Escaped text (a value from site.yml) held back from Markdown the same way, but put back by
   * `restoreText` before the page's HTML is sanitized: unlike the helpers' own HTML, it may land
   * inside HTML the author wrote (an `href`), where the sanitizer must see it.
   */
  putText(escaped: string): string {
    return `${TEXT_OPEN}${this.parts.push(escaped) - 1}${HTML_CLOSE}`;
  }

  restoreText(html: string): string {
    if (!html.includes(TEXT_OPEN)) return html;
    return html.replace(TEXT_TOKEN, (_, n: string) => this.parts[Number(n)] ?? '');
  }

  /**
   * The text with each placeholder's HTML written out in it: the same text for the same page in
   * any build, whatever the numbering (the render cache's key, lib/render-cache.ts).
   */
  expand(text: string): string {
    if (!text.includes(HTML_OPEN) && !text.includes(TEXT_OPEN)) return text;
    return text.replace(HTML_ID, (_, open: string, n: string) => `${open}${this.parts[Number(n)] ?? ''}${HTML_CLOSE}`);
  }

  restore(html: string): string {
    if (!html.includes(HTML_OPEN)) return html;
    return html.replace(HTML_TOKEN, (_, a?: string, b?: string) => this.parts[Number(a ?? b)] ?? '');
  }
}

const HTML_OPEN = '\uE002';
const HTML_CLOSE = '\uE003';
const TEXT_OPEN = '\uE004';
const HTML_ID = /([\uE002\uE004])(\d+)\uE003/g;
const TEXT_TOKEN = /\uE004(\d+)\uE003/g;
const HTML_TOKEN = /<p>\uE002(\d+)\uE003<\/p>|\uE002(\d+)\uE003/g;
