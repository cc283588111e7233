/**
 * Admonitions as other tools write them, turned into the site's callouts (lib/markdown/callout.ts) in the
 * Markdown before it is rendered:
 *
 *   GitHub      > [!NOTE]            (NOTE, TIP, IMPORTANT, WARNING, CAUTION), then "> " lines
 *   MkDocs      !!! warning "Title"  then lines indented 4 spaces; ??? collapsible, ???+ open
 *   Docusaurus  :::warning Title     (or :::warning[Title]) up to a line ":::"
 *
 * Fenced code is left alone. The content of each box is converted again (boxes may nest).
 */
import { calloutHtml, type CalloutKind } from './callout.ts';
import { FenceScan } from './fences.ts';

/** Each tool's kinds, as the three the site draws (its colours) and the title the tool shows. */
const KIND: Readonly<Record<string, CalloutKind>> = {
  note: 'note', tip: 'note', important: 'note', info: 'note', abstract: 'note', summary: 'note', tldr: 'note', todo: 'note',
  hint: 'note', success: 'note', check: 'note', done: 'note', question: 'note', help: 'note', faq: 'note', example: 'note',
  quote: 'note', cite: 'note', secondary: 'note',
  warning: 'warning', caution: 'warning', attention: 'warning',
  danger: 'danger', error: 'danger', failure: 'danger', fail: 'danger', missing: 'danger', bug: 'danger',
};
/** GitHub's CAUTION is its red one. */
const GITHUB_KIND: Readonly<Record<string, CalloutKind>> = { note: 'note', tip: 'note', important: 'note', warning: 'warning', caution: 'danger' };

const titleCase = (s: string) => s[0]!.toUpperCase() + s.slice(1).toLowerCase();

const GITHUB = /^ {0,3}>[ \t]*\[!(note|tip|important|warning|caution)\][ \t]*$/i;
const MKDOCS = /^(!!!|\?\?\?\+?)[ \t]+([A-Za-z][\w-]*)(?:[ \t]+"([^"]*)")?[ \t]*$/;
const DOCUSAURUS = /^ {0,3}(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[([^\]]*)\]|[ \t]+(.+?))?[ \t]*$/;

/** True when the text may hold an admonition (a quick test before the line walk). */
export function mayHaveAdmonitions(markdown: string): boolean {
  return /\[!|!!!|\?\?\?|:::/.test(markdown);
}

/** The Markdown with every admonition replaced by the site's callout markup. */
export function convertAdmonitions(markdown: string, hold?: (html: string) => string): string {
  if (!mayHaveAdmonitions(markdown)) return markdown;
  const lines = markdown.split('\n');
  const out: string[] = [];
  const fences = new FenceScan();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fences.step(line) !== 'text') {
      out.push(line);
      continue;
    }

    let m = GITHUB.exec(line);
    if (m) {
      const body: string[] = [];
      while (i + 1 < lines.length && /^ {0,3}>/.test(lines[i + 1]!)) body.push(lines[++i]!.replace(/^ {0,3}> ?/, ''));
      const name = m[1]!.toLowerCase();
      out.push(calloutHtml(GITHUB_KIND[name]!, titleCase(name), convertAdmonitions(body.join('\n'), hold), undefined, hold));
      continue;
    }

    m = MKDOCS.exec(line);
    if (m && KIND[m[2]!.toLowerCase()] !== undefined) {
      const body: string[] = [];
      while (i + 1 < lines.length && (/^( {4}|\t)/.test(lines[i + 1]!) || (lines[i + 1]!.trim() === '' && /^( {4}|\t)/.test(nextNonBlank(lines, i + 1))))) {
        body.push(lines[++i]!.replace(/^( {4}|\t)/, ''));
      }
      const title = m[3] ?? titleCase(m[2]!);
      const collapsible = m[1] === '???' ? 'closed' : m[1] === '???+' ? 'open' : undefined;
      out.push(calloutHtml(KIND[m[2]!.toLowerCase()]!, title, convertAdmonitions(body.join('\n'), hold), collapsible, hold));
      continue;
    }

    m = DOCUSAURUS.exec(line);
    if (m && KIND[m[2]!.toLowerCase()] !== undefined) {
      const colons = m[1]!;
      const body: string[] = [];
      let depth = 0;
      let closed = false;
      for (i++; i < lines.length; i++) {
        const l = lines[i]!;
        const open = DOCUSAURUS.exec(l);
        if (open && open[1] === colons) depth++;
        else if (l.trim() === colons) {
          if (depth === 0) {
            closed = true;
            break;
          }
          depth--;
        }
        body.push(l);
      }
      if (!closed) i = lines.length; // unclosed: the box runs to the end of the page, as Docusaurus does
      const title = (m[3] ?? m[4] ?? '').trim() || titleCase(m[2]!);
      out.push(calloutHtml(KIND[m[2]!.toLowerCase()]!, title, convertAdmonitions(body.join('\n'), hold), undefined, hold));
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

function nextNonBlank(lines: readonly string[], from: number): string {
  for (let i = from; i < lines.length; i++) if (lines[i]!.trim() !== '') return lines[i]!;
  return '';
}
