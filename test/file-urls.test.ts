/**
 * The pages of the downloadable copy (lib/site/file-urls.ts), on strings: every root-relative URL the
 * build writes becomes relative to the page's own file, with index.html where a server would add it.
 */
import { describe, expect, it } from 'vitest';
import { fileUrlRewriter } from '../lib/site/file-urls.ts';

const day = '2026-12-02';
const rewrite = (html: string, rel: string, base = '/') => fileUrlRewriter(base, day)(Buffer.from(html), rel).toString('utf8');

describe('a page made to work from file://', () => {
  it('links, sources, form actions and data- URLs become relative to the page, with index.html for folders', () => {
    const html = '<a href="/queues/backlog/">x</a><img src="/assets/a.png"><form action="/search/"><div data-sw="/sw.js" data-search-root="/assets/s/">';
    expect(rewrite(html, 'queues/other/index.html')).toBe(
      '<a href="../backlog/index.html">x</a><img src="../../assets/a.png"><form action="../../search/index.html"><div data-sw="../../sw.js" data-search-root="../../assets/s/index.html">',
    );
  });

  it('keeps the query and fragment after the rewritten path; the home page and the site root', () => {
    expect(rewrite('<a href="/ops/on-call/?tab=prod#step-2">', 'index.html')).toBe('<a href="ops/on-call/index.html?tab=prod#step-2">');
    expect(rewrite('<a href="/">home</a> <a href="/#top">top</a>', 'a/b/index.html')).toBe('<a href="../../index.html">home</a> <a href="../../index.html#top">top</a>');
    expect(rewrite('<a href="/a/b/">self</a>', 'a/b/index.html')).toBe('<a href="index.html">self</a>');
  });

  it('leaves external, protocol-relative, fragment-only, data: and other attributes alone', () => {
    const html = '<a href="https://example.com/x/">e</a><a href="//cdn.example.com/x.js">p</a><a href="#step">f</a><link href="data:image/svg+xml,%3Csvg/%3E"><p title="/not/a/link/" class="/x/">';
    expect(rewrite(html, 'a/index.html')).toBe(html);
  });

  it('only whole attribute names after whitespace: xhref, data-x1, Href and text that reads like an attribute stay', () => {
    const html = '<p xhref="/a/" data-x1="/b/" Href="/c/">code:href="/d/"</p>';
    expect(rewrite(html, 'index.html')).toBe(html);
    expect(rewrite('<p>\nhref="/d/"</p>', 'index.html')).toBe('<p>\nhref="d/index.html"</p>');
  });

  it('under a base path: only URLs under it change, and the base is dropped', () => {
    const html = '<a href="/docs/queues/">q</a><a href="/other/">o</a><html data-base="/docs/">';
    expect(rewrite(html, 'queues/x/index.html', '/docs/')).toBe('<a href="../index.html">q</a><a href="/other/">o</a><html data-base="../../">');
  });

  it('data-base becomes the way back to the copy\'s root', () => {
    expect(rewrite('<html data-base="/">', 'index.html')).toBe('<html data-base="./">');
    expect(rewrite('<html data-base="/">', 'a/b/index.html')).toBe('<html data-base="../../">');
  });

  it('fills the offline badge and replaces the download paragraph; text outside attributes is untouched', () => {
    const html = '<body><p class="offline-badge" hidden data-rs-offline></p><main>é ü — /x/</main><p class="offline-archive">Download <a href="/runbooks-offline.zip">the copy</a>.</p></body>';
    expect(rewrite(html, 'index.html')).toBe(
      '<body><p class="offline-badge" role="status" data-rs-offline>Offline copy from 2026-12-02</p><main>é ü — /x/</main><p class="offline-archive">This is the offline copy of the site: it does not change when the site does. Download a new one when you can.</p></body>',
    );
  });

  it('URLs before, between and after the badge and the download paragraph are all rewritten', () => {
    const html = '<a href="/a/">1</a><p class="offline-badge" hidden data-rs-offline></p><a href="/b/">2</a><p class="offline-archive"><a href="/runbooks-offline.zip">x</a></p><a href="/c/#d">3</a>';
    expect(rewrite(html, 'x/index.html')).toBe(
      '<a href="../a/index.html">1</a><p class="offline-badge" role="status" data-rs-offline>Offline copy from 2026-12-02</p><a href="../b/index.html">2</a><p class="offline-archive">This is the offline copy of the site: it does not change when the site does. Download a new one when you can.</p><a href="../c/index.html#d">3</a>',
    );
  });

  it('many pages of one folder share their relative paths, and each is still its own', () => {
    const rw = fileUrlRewriter('/', day);
    const a = rw(Buffer.from('<a href="/q/a/">a</a><a href="/q/b/">b</a>'), 'q/a/index.html').toString();
    const b = rw(Buffer.from('<a href="/q/a/">a</a><a href="/q/b/">b</a>'), 'q/b/index.html').toString();
    const top = rw(Buffer.from('<a href="/q/a/">a</a>'), 'index.html').toString();
    expect([a, b, top]).toEqual(['<a href="index.html">a</a><a href="../b/index.html">b</a>', '<a href="../a/index.html">a</a><a href="index.html">b</a>', '<a href="q/a/index.html">a</a>']);
  });
});
