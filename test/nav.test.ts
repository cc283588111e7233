/**
 * Navigation stays bounded on every page: a long section shows a window of pages around the current
 * one and links to the section page, which lists them all; a site with many top-level sections shows
 * 13 of them around the page's own and links to the home page's listing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { findAll, findOne, getAttributeValue, textContent } from 'domutils';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const PAGES = 300;
const AREAS = 40;
const title = (i: number) => `Page ${i}`; // pages are numbered 1..300; the sorter puts them in number order

let out: Record<string, string>;
beforeAll(async () => {
  const root = tempDir('nav-');
  const files: Record<string, string> = {
    'site.yml': 'title: Nav test\n',
    'src/index.md': '# Home\n',
    'src/big/index.md': '---\ntitle: Big section\n---\n',
    'src/small/index.md': '---\ntitle: Small section\n---\n',
    'src/small/one.md': '# One\n',
    'src/small/two.md': '# Two\n',
  };
  for (let i = 1; i <= PAGES; i++) files[`src/big/p-${i}.md`] = `# ${title(i)}\n\nText.\n`;
  files['src/hundred/index.md'] = '---\ntitle: Hundred\n---\n';
  for (let i = 1; i <= 100; i++) files[`src/hundred/p-${i}.md`] = `# ${title(i)}\n\nText.\n`;
  // 40 more top-level sections ("Area 01".."Area 40"), which sort by title before the three above.
  for (let i = 1; i <= AREAS; i++) {
    const n = String(i).padStart(2, '0');
    files[`src/area-${n}/index.md`] = `---\ntitle: Area ${n}\n---\n`;
    files[`src/area-${n}/page.md`] = `# Page of area ${n}\n`;
  }
  writeProject(root, files);
  const result = await build({ root, write: false, layouts: path.resolve(import.meta.dirname, 'fixtures/_layouts') });
  out = Object.fromEntries(Object.entries(result.files).filter(([k]) => k.endsWith('.html')).map(([k, f]) => [k, f.contents.toString()]));
});

const hasClass = (name: string) => (e: Element) => (getAttributeValue(e, 'class') ?? '').split(/\s+/).includes(name);

function sectionNav(html: string) {
  const list = findOne(hasClass('section-nav__list'), parseDocument(html).children);
  if (!list) throw new Error('no section list');
  const links = findAll((e) => e.name === 'a', list.children).map((a) => ({ text: textContent(a).trim(), href: getAttributeValue(a, 'href'), current: getAttributeValue(a, 'aria-current') === 'page' }));
  return { links, html: textContent(list) && renderList(html) };
}

/** The section list's own markup, as the page carries it. */
function renderList(html: string): string {
  const start = html.indexOf('<ul class="section-nav__list"');
  return html.slice(start, html.indexOf('</nav>', start));
}

describe('section navigation of a long section', () => {
  it('a page in the middle shows a window around itself, marked, and links to the full list', () => {
    const { links } = sectionNav(out['big/p-150/index.html']!);
    const pages = links.filter((l) => /^Page \d+$/.test(l.text));
    expect(pages.length).toBeLessThanOrEqual(101);
    expect(pages.find((l) => l.current)?.text).toBe('Page 150');
    expect(pages[0]!.text).toBe('Page 100');
    expect(pages.at(-1)!.text).toBe('Page 200');
    expect(links.find((l) => /99 earlier pages/.test(l.text))?.href).toBe('/big/#pages');
    expect(links.find((l) => /100 later pages/.test(l.text))?.href).toBe('/big/#pages');
  });

  it('the first and last pages show the start and the end of the list', () => {
    const first = sectionNav(out['big/p-1/index.html']!).links.filter((l) => /^Page \d+$/.test(l.text));
    expect(first.map((l) => l.text).slice(0, 2)).toEqual(['Page 1', 'Page 2']);
    expect(first).toHaveLength(51);
    const last = sectionNav(out['big/p-300/index.html']!).links.filter((l) => /^Page \d+$/.test(l.text));
    expect(last.at(-1)).toMatchObject({ text: 'Page 300', current: true });
    expect(last).toHaveLength(51);
  });

  it('the section page still lists every page in its listing', () => {
    const doc = parseDocument(out['big/index.html']!);
    const listings = findAll(hasClass('listing'), doc.children);
    expect(listings.flatMap((l) => findAll((e) => e.name === 'li', l.children))).toHaveLength(PAGES);
  });

  it('a short section lists all its pages', () => {
    const { links } = sectionNav(out['small/one/index.html']!);
    // The section itself is the nav's heading: listed once, not again as the list's first entry.
    expect(links.map((l) => l.text)).toEqual(['One', 'Two']);
  });

  it('pages of a 300-page section carry at most 1.3x the navigation of pages of a 100-page one', () => {
    const hundred = Buffer.byteLength(sectionNav(out['hundred/p-50/index.html']!).html);
    for (const i of [1, 150, 300]) expect(Buffer.byteLength(sectionNav(out[`big/p-${i}/index.html`]!).html)).toBeLessThanOrEqual(1.3 * hundred);
  });
});

/** The top navigation's entries: section titles, the marked one, and the links to the rest. */
function topNav(html: string) {
  const nav = findOne((e) => e.name === 'nav' && hasClass('top')(e), parseDocument(html).children);
  if (!nav) throw new Error('no top nav');
  const links = findAll((e) => e.name === 'a', nav.children).map((a) => ({ text: textContent(a).trim(), href: getAttributeValue(a, 'href'), current: getAttributeValue(a, 'aria-current') === 'true' }));
  const more = (l: { text: string }) => /^\d+ (earlier|later) sections?$/.test(l.text);
  return { sections: links.filter((l) => !more(l)), more: links.filter(more) };
}

// The site above has 43 top-level sections in title order: Area 01..Area 40, Big section, Hundred, Small section.
describe('top navigation of a site with many top-level sections', () => {
  it('a page shows 13 sections around its own, marked, and links to the home page for the rest', () => {
    const { sections, more } = topNav(out['area-20/page/index.html']!);
    expect(sections.map((l) => l.text)).toEqual(['Area 14', 'Area 15', 'Area 16', 'Area 17', 'Area 18', 'Area 19', 'Area 20', 'Area 21', 'Area 22', 'Area 23', 'Area 24', 'Area 25', 'Area 26']);
    expect(sections.filter((l) => l.current).map((l) => l.text)).toEqual(['Area 20']);
    expect(more.map((l) => [l.text, l.href])).toEqual([
      ['13 earlier sections', '/#sections'],
      ['17 later sections', '/#sections'],
    ]);
  });

  it('near either end, the window still shows 13 sections', () => {
    const first = topNav(out['area-02/page/index.html']!);
    expect(first.sections.map((l) => l.text).slice(0, 2)).toEqual(['Area 01', 'Area 02']);
    expect(first.sections).toHaveLength(13);
    expect(first.more.map((l) => l.text)).toEqual(['30 later sections']);
    const last = topNav(out['small/one/index.html']!);
    expect(last.sections.map((l) => l.text).slice(-3)).toEqual(['Big section', 'Hundred', 'Small section']);
    expect(last.sections.at(-1)!.current).toBe(true);
    expect(last.sections).toHaveLength(13);
    expect(last.more.map((l) => l.text)).toEqual(['30 earlier sections']);
  });

  it('the home page shows the first 13 and lists every section in its listing', () => {
    const { sections, more } = topNav(out['index.html']!);
    expect(sections.map((l) => l.text)[0]).toBe('Area 01');
    expect(sections).toHaveLength(13);
    expect(sections.some((l) => l.current)).toBe(false);
    expect(more.map((l) => l.text)).toEqual(['30 later sections']);
    const doc = parseDocument(out['index.html']!);
    const listing = findOne((e) => hasClass('listing--sections')(e), doc.children)!;
    expect(findAll((e) => e.name === 'li', listing.children)).toHaveLength(AREAS + 3);
  });
});
