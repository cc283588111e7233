/**
 * Raw HTML sanitized to GitHub's allowlist (issue 12): each removal is a warning at the file and
 * line where it was written, the same from a build that takes the page from the render cache, and
 * the published page keeps what GitHub shows (test/fixtures/markdown/sanitize/expected has the HTML).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { FIXTURES, SOURCE_DATE_EPOCH, tempDir } from './helpers/fixtures.ts';

const EXPECTED = [
  'partials/with-html.md:1:16  removed the onclick attribute from <b>: scripts are not allowed in runbooks',
  'src/index.md:18:1  removed the onerror attribute from <img>: scripts are not allowed in runbooks',
  'src/index.md:19:1  removed <script>: scripts are not allowed in runbooks',
  'src/index.md:20:10  removed the javascript: link from <a>: scripts are not allowed in runbooks',
  'src/index.md:21:1  removed <iframe>: embedded pages and plugins are not allowed in runbooks',
  'src/index.md:22:1  removed the class attribute from <div>: GitHub does not show it either',
  "src/index.md:22:1  removed the style attribute from <div>: styles are not allowed in runbooks (the site's own style applies)",
  'src/index.md:23:1  removed <form>: forms are not allowed in runbooks',
  'src/index.md:23:19  removed <input>: forms are not allowed in runbooks',
  'src/index.md:24:11  removed the data: address from <img>: only http(s) and relative addresses are allowed in runbooks',
  'src/index.md:26:19  removed the javascript: link from <a>: scripts are not allowed in runbooks',
  'src/index.md:26:65  removed the javascript: link from <a>: scripts are not allowed in runbooks',
  'src/index.md:26:96  removed the javascript: link from <a>: scripts are not allowed in runbooks',
];

async function warnings(cache?: string): Promise<string[]> {
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = SOURCE_DATE_EPOCH;
  try {
    const result = await build({ root: path.join(FIXTURES, 'markdown', 'sanitize'), destination: path.join(tempDir('sanitize-'), 'site'), layouts: path.join(FIXTURES, '_layouts'), cache });
    expect(result.problems.every((p) => p.severity === 'warning' && p.code === 'html/removed')).toBe(true);
    return result.problems.map((p) => `${p.file}:${p.line}:${p.column}  ${p.message}`);
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}

describe('raw HTML in pages', () => {
  it('warns about each removal at its file and line, with a hint', async () => {
    expect(await warnings()).toEqual(EXPECTED);
  });

  it('warns the same when the page comes from the render cache', async () => {
    const cache = tempDir('sanitize-cache-');
    expect(await warnings(cache)).toEqual(EXPECTED);
    expect(fs.readdirSync(cache).some((f) => f.endsWith('.v8'))).toBe(true);
    expect(await warnings(cache)).toEqual(EXPECTED);
  });

  it('explains how to fix it', async () => {
    const result = await build({ root: path.join(FIXTURES, 'markdown', 'sanitize'), destination: path.join(tempDir('sanitize-'), 'site'), layouts: path.join(FIXTURES, '_layouts') });
    expect(result.problems[0]!.format()).toContain('hint: The page is published without it. Write it in Markdown, or use the HTML GitHub shows (details/summary, tables, kbd, sup/sub, images with https:// addresses).');
  });
});

describe('which pages have raw HTML to sanitize', () => {
  it('is exact: HTML blocks and inline tags, never HTML shown as code', async () => {
    const { hasRawHtml, markdownReady, renderMarkdown } = await import('../lib/markdown/markdown-engine.mjs');
    await markdownReady;
    const raw = (text: string) => hasRawHtml(text, renderMarkdown(text));
    // Blocks of each kind CommonMark knows (md4w's own NO_HTML shorthand missed these).
    for (const text of ['<script>alert(1)</script>', '<div>\nx\n</div>', '<!-- note -->\ntext', '<img src=x onerror=y>', 'a <b>bold</b> word', '<details>\n<summary>s</summary>\n</details>']) {
      expect(raw(text), text).toBe(true);
    }
    for (const text of ['plain text', 'code `<b>` span', '```\n<script>\n```', '    <indented code>', 'a &lt;b&gt; entity', 'an <https://example.com> autolink', 'x < y > z']) {
      expect(raw(text), text).toBe(false);
    }
  });
});
