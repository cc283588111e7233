/**
 * lib/markdown/markdown-text.ts: a value written into generated Markdown comes out of md4c as exactly its
 * text (newlines as spaces): as Markdown in a paragraph, a heading and a table cell, as text in
 * the HTML tables the build writes into Markdown, and as a link target.
 * Each expectation is the value itself, read back from the rendered HTML as a browser would.
 */
import { decodeHTML } from 'entities';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownHtmlText, markdownPath, markdownText } from '../lib/markdown/markdown-text.ts';
import { markdownReady, renderMarkdown } from '../lib/markdown/markdown-engine.mjs';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  'a`b` <img src=x onerror=alert(1)> `c',
  '``', '`',
  'pipe | in | cell',
  'new\nline | and\r\nmore',
  'blank\n\n[line](javascript:alert(1)) ends an HTML block',
  '[click](javascript:alert(1))',
  '<javascript:alert(1)>',
  '&lt;script&gt; &amp; &#60;b&#62;',
  'https://example.com www.example.com a@example.com',
  '{{> secret}} {{env "prod" "role"}} \\{{x}}',
  '*em* _em_ **b** ~~s~~ # not a heading',
  '\\ backslash \\| \\`',
  '- list',
  '1. numbered',
  '> quote',
  'trailing #',
  'svc-178',
  'ümlaut 队列',
];

/** The text of the first element `tag` in the HTML, as the DOM would hold it. */
function textOf(html: string, tag: string): string {
  const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  if (!m) throw new Error(`no <${tag}> in ${html}`);
  return decodeHTML(m[1]!.replace(/<[^>]+>/g, ''));
}

/** Every tag in the HTML, by name. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase());
}

beforeAll(() => markdownReady);

describe('values in generated Markdown render as their text', () => {
  for (const value of HOSTILE) {
    const shown = value.replace(/[\r\n]+/g, ' ');
    it(JSON.stringify(value), () => {
      const p = renderMarkdown(`${markdownText(value)}\n`);
      expect(tags(p)).toEqual(['p']);
      expect(textOf(p, 'p')).toBe(shown);

      const h = renderMarkdown(`## ${markdownText(value)}\n`);
      expect(tags(h)).toEqual(['h2']);
      expect(textOf(h, 'h2')).toBe(shown.trim());

      const table = renderMarkdown(`| a |\n|---|\n| ${markdownText(value)} |\n`);
      expect(tags(table)).toEqual(['table', 'thead', 'tr', 'th', 'tbody', 'tr', 'td']);
      expect(textOf(table, 'td')).toBe(shown.trim());

      // Raw HTML the build writes into Markdown: the generated tables.
      const html = renderMarkdown(`<table>\n<tr><td><a href="${markdownHtmlText(markdownPath('a b/(x)\n\n#?%.md'))}">${markdownHtmlText(value)}</a></td><td><code>${markdownHtmlText(value)}</code></td></tr>\n</table>\n`);
      expect(tags(html)).toEqual(['table', 'tr', 'td', 'a', 'td', 'code']);
      expect(textOf(html, 'a')).toBe(shown);
      expect(textOf(html, 'code')).toBe(shown);
      expect(decodeURIComponent(decodeHTML(/href="([^"]*)"/.exec(html)![1]!))).toBe('a b/(x)\n\n#?%.md');
    });
  }

  it('encodes every path segment, keeping the slashes', () => {
    expect(markdownPath('a b/(x)#?%.md')).toBe('a%20b/%28x%29%23%3F%25.md');
  });
});
