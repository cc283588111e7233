/**
 * Every `{{ }}` problem of a page at once. Handlebars' parser stops at the first syntax error,
 * and its runtime at the first failing helper; an author fixing one mistake per build would need a
 * build per mistake (issue 12). This scan reads the page mustache by mustache, as Handlebars'
 * lexer cuts it, checks each one's syntax on its own and the blocks' opening and closing in
 * order, so each problem gets its own line and column. The templates stage uses it only when the
 * whole page does not parse.
 */
import type Handlebars from 'handlebars';
import { handlebarsErrorPosition } from './handlebars-errors.ts';

export interface TemplateProblem {
  code: 'template/syntax' | 'template/unclosed-block' | 'template/mismatched-block' | 'template/unopened-block';
  /** Offset in the text of the `{{` the problem is about. */
  offset: number;
  message: string;
  hint: string;
}

/** One `{{ }}` of the text: its extent (end exclusive) and what kind of tag it is. */
export interface Mustache {
  start: number;
  end: number;
  kind: 'open' | 'close' | 'else' | 'comment' | 'other';
  /** Block name (open and close). */
  name?: string;
}

const LITERAL_HINT = 'To show literal braces in text, write \\{{ (a backslash before the braces) or put them in `code`.';

/** The mustaches of a template in order; undefined when it uses a form this scan does not read (raw blocks). */
export function mustaches(text: string): { list: Mustache[]; unterminated: number[] } | undefined {
  const list: Mustache[] = [];
  const unterminated: number[] = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    let slashes = 0;
    while (i - slashes - 1 >= 0 && text[i - slashes - 1] === '\\') slashes++;
    if (slashes % 2 === 1) {
      // `\{{`: Handlebars prints it and everything up to the next `{{` as text.
      i = text.indexOf('{{', i + 2);
      continue;
    }
    if (text.startsWith('{{{{', i)) return undefined;
    let end: number;
    if (text.startsWith('{{!--', i) || text.startsWith('{{~!--', i)) {
      const close = text.indexOf('--', i + 5);
      const at = close === -1 ? -1 : text.slice(close).search(/^--~?\}\}/);
      end = at === -1 ? -1 : close + text.slice(close).match(/^--~?\}\}/)![0].length;
    } else {
      end = closeOf(text, i);
    }
    if (end === -1) {
      unterminated.push(i);
      i = text.indexOf('{{', i + 2);
      continue;
    }
    const inner = text.slice(i, end).replace(/^\{\{\{?~?\s*/, '');
    let kind: Mustache['kind'] = 'other';
    let name: string | undefined;
    if (inner.startsWith('!')) kind = 'comment';
    else if (/^(else\b|\^\s*~?\}\})/.test(inner)) kind = 'else';
    else if (/^[#^]/.test(inner)) {
      kind = 'open';
      name = /^[#^]\s*[>*]?\s*([^\s}~()]+)/.exec(inner)?.[1];
    } else if (inner.startsWith('/')) {
      kind = 'close';
      name = /^\/\s*([^\s}~]+)/.exec(inner)?.[1];
    }
    list.push({ start: i, end, kind, ...(name !== undefined ? { name } : {}) });
    i = text.indexOf('{{', end);
  }
  return { list, unterminated };
}

/** End (exclusive) of the mustache starting at `start`: its `}}` (or `}}}`) outside string literals; -1 when none. */
function closeOf(text: string, start: number): number {
  const triple = text.startsWith('{{{', start);
  let quote = '';
  for (let j = start + (triple ? 3 : 2); j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' && text[j + 1] === '{') return -1; // a new mustache before this one closed
    else if (c === '}' && text[j + 1] === '}') return j + (triple && text[j + 2] === '}' ? 3 : 2);
  }
  return -1;
}

/** Every syntax and block problem of a template, in order of position. */
export function scanTemplate(hbs: typeof Handlebars, text: string): TemplateProblem[] {
  const found = mustaches(text);
  if (!found) return [];
  const problems: TemplateProblem[] = [];
  const stack: Mustache[] = [];
  for (const m of found.list) {
    const source = text.slice(m.start, m.end);
    if (m.kind === 'open') {
      stack.push(m);
      const check = m.name ? `${source}{{/${m.name}}}` : source;
      const error = syntaxError(hbs, check);
      if (error) problems.push({ code: 'template/syntax', offset: m.start, message: `the {{ }} template here is not valid: ${error}`, hint: LITERAL_HINT });
    } else if (m.kind === 'close') {
      const top = stack[stack.length - 1];
      if (top && top.name === m.name) {
        stack.pop();
      } else if (!stack.some((s) => s.name === m.name)) {
        problems.push({
          code: 'template/unopened-block',
          offset: m.start,
          message: `{{/${m.name}}} closes a block that is not open`,
          hint: `Remove it, or open the block with {{#${m.name}}} before it. ${LITERAL_HINT}`,
        });
      } else {
        problems.push({
          code: 'template/mismatched-block',
          offset: m.start,
          message: `{{/${m.name}}} closes a block, but the block open here is {{#${top!.name}}}`,
          hint: `Close {{#${top!.name}}} with {{/${top!.name}}} before closing another block.`,
        });
        while (stack.length && stack[stack.length - 1]!.name !== m.name) stack.pop();
        stack.pop();
      }
    } else if (m.kind === 'other') {
      const error = syntaxError(hbs, source);
      if (error) problems.push({ code: 'template/syntax', offset: m.start, message: `the {{ }} template here is not valid: ${error}`, hint: LITERAL_HINT });
    }
  }
  for (const open of stack) {
    problems.push({
      code: 'template/unclosed-block',
      offset: open.start,
      message: `{{#${open.name}}} is opened here and never closed`,
      hint: `Add {{/${open.name}}} after the block's content. ${LITERAL_HINT}`,
    });
  }
  for (const offset of found.unterminated) {
    problems.push({ code: 'template/syntax', offset, message: 'this {{ is never closed with }}', hint: LITERAL_HINT });
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

function syntaxError(hbs: typeof Handlebars, source: string): string | undefined {
  try {
    hbs.parse(source);
    return undefined;
  } catch (err) {
    return handlebarsErrorPosition(err).summary.split('\n')[0];
  }
}

/**
 * The text with the mustache at `offset` (and, for a block, its matching `{{/name}}`) replaced by
 * spaces, lines kept: the page is rendered again past a problem to find the next one.
 */
export function blankMustache(text: string, offset: number): string | undefined {
  const found = mustaches(text);
  if (!found) return undefined;
  const at = found.list.findIndex((m) => m.start <= offset && offset < m.end);
  if (at === -1) return undefined;
  const spans = [found.list[at]!];
  const m = found.list[at]!;
  if (m.kind === 'open') {
    let depth = 0;
    for (const n of found.list.slice(at + 1)) {
      if (n.kind === 'open' && n.name === m.name) depth++;
      else if (n.kind === 'close' && n.name === m.name && depth-- === 0) {
        spans.push(n);
        break;
      }
    }
  }
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + out.slice(s.start, s.end).replace(/[^\n]/g, ' ') + out.slice(s.end);
  return out;
}
