/**
 * Builds the real src/ and checks, for every page, what a reader navigates by: the top nav links
 * every section, the section nav lists exactly that section's pages, explicit `order:` first, then
 * numbered, then by title, with the current one marked (the sorter's exact rules and ties are
 * its own fixtures: test/fixtures/sections/sorter, test/fixtures/layout/sorter), the sidebar lists exactly the page's h2s and each anchor exists, prev/next
 * follow the section order, and every internal link resolves to a built page (and anchor).
 */
import { findAll, getAttributeValue, textContent } from 'domutils';
import type { Element } from 'domhandler';
import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { parseDocument } from 'htmlparser2';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { readTree, tempDir } from './helpers/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

interface Built {
  url: string;
  file: string;
  doc: ReturnType<typeof parseDocument>;
  ids: Set<string>;
}

let site: Map<string, Built>;
let tree: Map<string, Buffer>;

const all = (doc: Built['doc'], test: (e: Element) => boolean) => findAll(test, doc.children) as Element[];
const hasClass = (e: Element, c: string) => (getAttributeValue(e, 'class') ?? '').split(/\s+/).includes(c);
const within = (doc: Built['doc'], cls: string) => all(doc, (e) => hasClass(e, cls))[0];
const linksIn = (el: Element | undefined) => (el ? (findAll((e) => e.name === 'a', el.children) as Element[]) : []);

/** Source folders of the real content, read without the build: titles and explicit order lists. */
function sourceSections(): Map<string, { explicit: string[]; pages: { path: string; title: string; order?: number }[] }> {
  const out = new Map<string, { explicit: string[]; pages: { path: string; title: string; order?: number }[] }>();
  const walk = (dir: string) => {
    const rel = path.relative(SRC, dir).split(path.sep).join('/');
    const entry = { explicit: [] as string[], pages: [] as { path: string; title: string; order?: number }[] };
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.md')) {
        const { data, content } = matter(fs.readFileSync(full, 'utf8'), {});
        const source = rel ? `${rel}/${e.name}` : e.name;
        if (e.name === 'index.md') entry.explicit = Array.isArray(data.order) ? data.order : [];
        else entry.pages.push({ path: source, title: data.title ?? /^# (.+)$/m.exec(content)?.[1] ?? e.name, order: typeof data.order === 'number' ? data.order : undefined });
      }
    }
    out.set(rel, entry);
  };
  walk(SRC);
  return out;
}

type SourcePage = { path: string; title: string; order?: number };

const urlOf = (p: SourcePage) => `/${p.path.replace(/\.md$/, '/')}`;
const nameOf = (p: SourcePage) => p.path.split('/').pop()!.replace(/\.md$/, '');
/** Titles in reading order, as a reader checks them: case and accents aside, numbers as numbers. */
const byTitle = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * What a reader can check of a section nav's order without the production sorter: the pages the
 * index's `order:` lists come first in that order, then the numbered pages by number, then the rest
 * with titles in alphabetical order. Returns what is wrong, or nothing.
 */
function orderProblems(hrefs: string[], source: { explicit: string[]; pages: SourcePage[] }): string[] {
  const byUrl = new Map(source.pages.map((p) => [urlOf(p), p]));
  const problems: string[] = [];
  const listed = source.explicit.map((n) => n.replace(/\.md$/, '')).filter((n, i, all) => all.indexOf(n) === i);
  const explicit = listed.flatMap((n) => source.pages.filter((p) => nameOf(p) === n).map(urlOf));
  if (hrefs.slice(0, explicit.length).join() !== explicit.join()) problems.push(`explicit order first: expected ${explicit.join(', ')}`);
  const rest = hrefs.slice(explicit.length).map((h) => byUrl.get(h)!);
  const numbered = rest.filter((p) => p.order !== undefined);
  if (rest.slice(0, numbered.length).some((p) => p.order === undefined)) problems.push('numbered pages before the others');
  for (let i = 1; i < numbered.length; i++) if (numbered[i - 1]!.order! > numbered[i]!.order!) problems.push(`${urlOf(numbered[i]!)} after a higher order`);
  const titled = rest.slice(numbered.length);
  for (let i = 1; i < titled.length; i++) {
    if (byTitle.compare(titled[i - 1]!.title, titled[i]!.title) > 0) problems.push(`"${titled[i - 1]!.title}" before "${titled[i]!.title}"`);
  }
  return problems;
}

beforeAll(async () => {
  const dest = path.join(tempDir('site-'), 'site');
  await build({ root: ROOT, destination: dest, now: new Date('2026-11-22T00:00:00Z') });
  tree = readTree(dest);
  site = new Map();
  // Redirect pages (permanent alert URLs, aliases) are listed in urls.json: not pages with a layout.
  const redirects = Object.keys(JSON.parse(tree.get('urls.json')!.toString()).redirects as Record<string, string>).map((u) => decodeURI(u).slice(1) + (u.endsWith('/') ? 'index.html' : ''));
  for (const [file, buf] of tree) {
    if (!file.endsWith('.html') || file === '404.html' || redirects.includes(file)) continue;
    const url = `/${file.replace(/index\.html$/, '')}`;
    const doc = parseDocument(buf.toString('utf8'));
    const ids = new Set(all(doc, (e) => !!getAttributeValue(e, 'id')).map((e) => getAttributeValue(e, 'id')!));
    site.set(decodeURI(url), { url, file, doc, ids });
  }
});

describe('the real site', () => {
  it('has at least 30 pages in at least 6 sections', () => {
    const sections = new Set([...site.keys()].map((u) => u.split('/')[1]).filter(Boolean));
    expect(site.size).toBeGreaterThanOrEqual(30);
    expect(sections.size).toBeGreaterThanOrEqual(6);
  });

  it('top nav on every page links every section, the current one marked', () => {
    const sections = [...site.keys()].filter((u) => /^\/[^/]+\/$/.test(u)).sort();
    for (const [url, page] of site) {
      const links = linksIn(within(page.doc, 'top-nav__list'));
      const hrefs = links.map((a) => decodeURI(getAttributeValue(a, 'href')!)).sort();
      expect(hrefs, url).toEqual(sections);
      const current = links.filter((a) => getAttributeValue(a, 'aria-current'));
      const top = url.split('/')[1];
      expect(current.map((a) => getAttributeValue(a, 'href')), url).toEqual(top ? [`/${top}/`] : []);
    }
  });

  it('section nav lists exactly the section pages in sorter order, current page marked', () => {
    const sections = sourceSections();
    for (const [url, page] of site) {
      const top = url.split('/')[1];
      if (top && !fs.existsSync(path.join(SRC, top))) continue; // generated sections: see the runbooks fixture
      const dir = url === '/' ? '' : url.split('/').slice(1, -1).join('/');
      const isIndex = sections.has(dir);
      const sectionDir = isIndex ? dir : dir.split('/').slice(0, -1).join('/');
      const source = sections.get(sectionDir)!;
      const list = within(page.doc, 'section-nav__list');
      if (!source.pages.length && !list) continue;
      const items = (list ? (findAll((e) => e.name === 'li' && e.parent === list, list.children) as Element[]) : []).filter(
        (li) => getAttributeValue(li, 'data-section-index') === undefined && !hasClass(li, 'section-nav__group'),
      );
      const hrefs = items.map((li) => decodeURI(getAttributeValue(linksIn(li)[0]!, 'href')!));
      expect([...hrefs].sort(), `section nav on ${url} lists exactly the section's pages`).toEqual(source.pages.map(urlOf).sort());
      expect(orderProblems(hrefs, source), `order of the section nav on ${url}`).toEqual([]);
      // The section page is the nav's heading, listed once: not again as an entry of the list.
      const sectionUrl = `/${sectionDir ? `${sectionDir}/` : ''}`;
      expect(hrefs, `section page not repeated in the list on ${url}`).not.toContain(sectionUrl);
      const current = linksIn(within(page.doc, 'section-nav')).filter((a) => getAttributeValue(a, 'aria-current') === 'page');
      expect(current.map((a) => decodeURI(getAttributeValue(a, 'href')!)), `current on ${url}`).toEqual([url]);
    }
  });

  it('sidebar lists exactly the h2s of the page, and every anchor exists', () => {
    for (const [url, page] of site) {
      const article = all(page.doc, (e) => e.name === 'article')[0]!;
      const h2s = (findAll((e) => e.name === 'h2', article.children) as Element[]).map((h) => ({
        id: getAttributeValue(h, 'id')!,
        text: textContent(h).replace(/#$/, '').trim(),
      }));
      const toc = linksIn(within(page.doc, 'toc__list')).map((a) => ({
        id: decodeURIComponent(getAttributeValue(a, 'href')!.slice(1)),
        text: textContent(a).trim(),
      }));
      // Section pages append a generated "Pages"/"Sections" listing after the content: not in the sidebar.
      const content = h2s.filter((h) => !(['pages', 'sections'].includes(h.id) && toc.every((t) => t.id !== h.id)));
      expect(toc, `sidebar of ${url}`).toEqual(content);
      for (const t of toc) expect(page.ids.has(t.id), `#${t.id} on ${url}`).toBe(true);
    }
  });

  it('previous and next follow the section order, and continue into the next section at its end', () => {
    const sections = sourceSections();
    for (const [dir, source] of sections) {
      // The pager follows the order the section page's nav shows (checked above), page by page.
      const sectionUrl = `/${dir ? `${dir}/` : ''}`;
      const navList = within(site.get(sectionUrl)!.doc, 'section-nav__list');
      const navItems = navList ? (findAll((e) => e.name === 'li' && e.parent === navList, navList.children) as Element[]).filter((li) => getAttributeValue(li, 'data-section-index') === undefined && !hasClass(li, 'section-nav__group')) : [];
      const chain = [sectionUrl, ...navItems.map((li) => decodeURI(getAttributeValue(linksIn(li)[0]!, 'href')!))];
      expect(chain.length, `pager chain of ${sectionUrl}`).toBe(source.pages.length + 1);
      chain.forEach((url, i) => {
        const page = site.get(url)!;
        const rel = (r: string) => {
          const a = all(page.doc, (e) => e.name === 'a' && getAttributeValue(e, 'rel') === r)[0];
          return a ? decodeURI(getAttributeValue(a, 'href')!) : undefined;
        };
        if (i > 0) expect(rel('prev'), `prev of ${url}`).toBe(chain[i - 1]);
        if (i < chain.length - 1) expect(rel('next'), `next of ${url}`).toBe(chain[i + 1]);
        // At a section's ends the pager leads on into the neighbouring section (issue 16), and back.
        const next = rel('next');
        if (i === chain.length - 1 && next) {
          const target = site.get(next)!;
          expect(sections.has(next.slice(1, -1)) || !fs.existsSync(path.join(SRC, next.split('/')[1]!)), `${url} leads on to a section page, not ${next}`).toBe(true);
          const back = all(target.doc, (e) => e.name === 'a' && getAttributeValue(e, 'rel') === 'prev')[0];
          expect(back && decodeURI(getAttributeValue(back, 'href')!), `prev of ${next}`).toBe(url);
        }
      });
      if (dir) expect(all(site.get(chain[chain.length - 1]!)!.doc, (e) => e.name === 'a' && getAttributeValue(e, 'rel') === 'next').length, `the end of ${dir} leads on`).toBe(1);
    }
  });

  it('every internal link and image resolves to a built page or file (and anchor)', () => {
    let checked = 0;
    for (const [url, page] of site) {
      for (const el of all(page.doc, (e) => (e.name === 'a' && !!getAttributeValue(e, 'href')) || (e.name === 'img' && !!getAttributeValue(e, 'src')))) {
        const raw = getAttributeValue(el, 'href') ?? getAttributeValue(el, 'src')!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) continue;
        checked++;
        const [p, hash] = raw.split('#');
        const targetUrl = p ? decodeURI(p) : url;
        expect(targetUrl.startsWith('/'), `${raw} on ${url} is root-relative`).toBe(true);
        const target = site.get(targetUrl);
        if (!target) {
          expect(tree.has(targetUrl.slice(1)) || targetUrl === '/404.html', `${raw} on ${url} resolves`).toBe(true);
          continue;
        }
        if (hash) expect(target.ids.has(decodeURIComponent(hash)), `${raw} on ${url}: anchor exists`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('shows the seeds-derived content: env-command tabs, a shared partial and a Go template in code', () => {
    const html = [...tree.entries()].filter(([f]) => f.endsWith('.html')).map(([, b]) => b.toString('utf8'));
    expect(html.filter((h) => h.includes('data-env-tabs')).length).toBeGreaterThanOrEqual(3);
    expect(html.some((h) => h.includes('{{range .Mounts}}') || h.includes('{{range .items}}'))).toBe(true);
  });
});
