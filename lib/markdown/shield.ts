/**
 * Keeps code out of Handlebars' reach.
 *
 * Handlebars knows nothing of Markdown: run over a page, it deletes `{{ $labels.instance }}`
 * inside a code fence, fails on `{{ .Values.image }}`, and escapes `{{x}}` output that Markdown
 * then escapes again (see FACTS.md). Before templating, every `{{` that Markdown will render as
 * code (in fenced blocks, indented blocks, inline code spans) is swapped for an opaque
 * placeholder; after templating the placeholders are swapped back, byte for byte.
 *
 * What is code is decided by md4c, the engine that renders the page (lib/markdown/markdown-engine.mjs), so
 * it is exactly what the page shows as code, lists and blockquotes included. Each `{{` of the page
 * is marked with a numbered private-use token and the page parsed once; the tokens that come back
 * inside a code node are the braces to shield. md4c runs in linear time and without recursion
 * limits, which marked's lexer, used here before, did not (docs/decisions.md#code-shield-time).
 *
 * A placeholder keeps the line count of what it replaces, so the line numbers in Handlebars' error
 * messages still match the file.
 */
import { markdownTree, type MdNode } from './markdown-engine.mjs';

const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = /\uE000(\d+)\n*\uE001/g;

/** One table of shielded regions per build (never module-global: builds must not share state). */
export class CodeShield {
  private readonly regions: string[] = [];

  /** Replaces code regions of `markdown` with placeholders. Cheap when there is no `{{` at all. */
  shield(markdown: string): string {
    if (!markdown.includes('{{')) return markdown;
    const fences = marginFencesHoldingAllBraces(markdown);
    if (!fences) return this.shieldBracesInCode(markdown);
    let out = '';
    let at = 0;
    for (const [start, end] of fences) {
      const code = markdown.slice(start, end);
      out += markdown.slice(at, start) + this.placeholder(code);
      at = end;
    }
    return out + markdown.slice(at);
  }

  /** Every `{{` that md4c reads as part of code, swapped for a placeholder. */
  private shieldBracesInCode(markdown: string): string {
    const braces: number[] = [];
    let marked = '';
    let at = 0;
    for (let i = markdown.indexOf('{{'); i !== -1; i = markdown.indexOf('{{', i + 2)) {
      marked += markdown.slice(at, i) + MARK_OPEN + digits(braces.length) + MARK_CLOSE;
      braces.push(i);
      at = i + 2;
    }
    marked += markdown.slice(at);
    const inCode = new Set<number>();
    // Iterative walk: a page may nest quotes or lists thousands deep.
    const stack: { node: string | MdNode; code: boolean }[] = markdownTree(marked).children.map((node) => ({ node, code: false }));
    while (stack.length) {
      const { node, code } = stack.pop()!;
      if (typeof node === 'string') {
        if (code && node.includes(MARK_OPEN)) for (const m of node.matchAll(MARK)) inCode.add(undigits(m[1]!));
        continue;
      }
      const isCode = code || node.type === CODE_BLOCK || node.type === CODE_SPAN;
      for (const child of node.children ?? []) stack.push({ node: child, code: isCode });
    }
    if (!inCode.size) return markdown;
    let out = '';
    at = 0;
    braces.forEach((i, n) => {
      if (!inCode.has(n)) return;
      out += markdown.slice(at, i) + this.placeholder('{{');
      at = i + 2;
    });
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
 * undefined, and the caller asks md4c, because a line scan is much cheaper than a parse
 * (docs/decisions.md#shield-fast-path).
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

// md4w's node types for code (md4w.d.ts NodeType).
const CODE_BLOCK = 7;
const CODE_SPAN = 34;
// A numbered mark for each `{{` while md4c reads the page: private-use characters only (ASCII
// digits could start an ordered list), which md4c copies through as text.
const MARK_OPEN = '\uE006';
const MARK_CLOSE = '\uE007';
const MARK = /\uE006([\uE010-\uE019]+)\uE007/g;

function digits(n: number): string {
  return String(n).replace(/\d/g, (d) => String.fromCharCode(0xe010 + Number(d)));
}

function undigits(s: string): number {
  return Number(s.replace(/[\uE010-\uE019]/g, (c) => String(c.charCodeAt(0) - 0xe010)));
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
   * any build, whatever the numbering (the render cache's key, lib/io/render-cache.ts).
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
