/**
 * Navigation HTML, rendered once per section and reused by every page of it: the top navigation,
 * a section's page list, breadcrumbs and the sidebar of h2 headings. Rendering them inside the
 * layout for each page made navigation cost (pages x sections); here a page only picks the
 * pre-rendered list and marks its own entry.
 */
import type { Heading, Page } from './page.ts';
import type { Navigation, Section } from '../plugins/sections.ts';
import { escapeHtml } from './text.ts';

/**
 * A section's page list, pre-joined: for the page at index i, `before[i] + current[i] + after[i]`
 * (V8 joins them without copying). Joining 100 items for each of 10,000 pages, and finding the
 * page with findIndex, took ~0.25 s of the layout stage.
 */
interface ListItems {
  current: string[];
  before: string[];
  after: string[];
  all: string;
  index: Map<string, number>;
}

function listItems(pages: readonly Page[]): ListItems {
  const plain = pages.map((p) => link(p, false));
  const before: string[] = [''];
  for (let i = 1; i <= plain.length; i++) before.push(before[i - 1]! + plain[i - 1]!);
  const after: string[] = new Array(plain.length).fill('');
  for (let i = plain.length - 2; i >= 0; i--) after[i] = plain[i + 1]! + after[i + 1]!;
  return { current: pages.map((p) => link(p, true)), before, after, all: before[plain.length]!, index: new Map(pages.map((p, i) => [p.source, i])) };
}

function link(p: Page, current: boolean, extra = ''): string {
  const aria = current ? ' aria-current="page"' : '';
  const desc = extra ? ` ${extra}` : '';
  return `<li${current ? ' class="is-current"' : ''}><a href="${escapeHtml(p.url)}"${aria}>${escapeHtml(p.title)}</a>${desc}</li>`;
}

export class NavRenderer {
  private readonly topCache = new Map<string, string>();
  private readonly sectionItems = new Map<string, ListItems>();

  constructor(private readonly nav: Navigation) {}

  /** Top navigation: every top-level section, the page's own marked. */
  top(page: Page): string {
    const topDir = page.source.includes('/') ? page.source.slice(0, page.source.indexOf('/')) : '';
    let html = this.topCache.get(topDir);
    if (html === undefined) {
      const items = this.nav.top.map((s) => {
        const cur = s.dir === topDir;
        const aria = cur ? ' aria-current="true"' : '';
        return `<li${cur ? ' class="is-current"' : ''}><a href="${escapeHtml(s.index.url)}"${aria}>${escapeHtml(s.index.title)}</a></li>`;
      });
      html = `<ul class="top-nav__list">${items.join('')}</ul>`;
      this.topCache.set(topDir, html);
    }
    return html;
  }

  section(dir: string): Section | undefined {
    return this.nav.byDir.get(dir);
  }

  /** The section's pages in collection order, the current page marked with aria-current="page". */
  sectionList(page: Page): string {
    const section = this.nav.byDir.get(page.section);
    if (!section) return '';
    let items = this.sectionItems.get(section.dir);
    if (!items) {
      items = listItems(section.pages);
      this.sectionItems.set(section.dir, items);
    }
    const idx = page.isIndex ? undefined : items.index.get(page.source);
    const head = link(section.index, page.isIndex).replace('<li', '<li data-section-index');
    const list = idx === undefined ? items.all : items.before[idx]! + items.current[idx]! + items.after[idx]!;
    const subs = section.subsections.length
      ? `<li class="section-nav__group"><span class="section-nav__label">Subsections</span><ul>${section.subsections.map((s) => link(s.index, false)).join('')}</ul></li>`
      : '';
    return `<ul class="section-nav__list">${head}${list}${subs}</ul>`;
  }

  /** Home > Section > Subsection > Page. */
  breadcrumbs(page: Page): string {
    const trail: Page[] = [];
    let s = this.nav.byDir.get(page.section);
    while (s) {
      trail.unshift(s.index);
      s = s.parent;
    }
    if (!page.isIndex) trail.push(page);
    return trail
      .map((p, i) => (i === trail.length - 1 ? `<li><a href="${escapeHtml(p.url)}" aria-current="page">${escapeHtml(p.title)}</a></li>` : `<li><a href="${escapeHtml(p.url)}">${escapeHtml(p.title)}</a></li>`))
      .join('');
  }

  /** Listing on a section page: its pages with descriptions, then its subsections. */
  listing(page: Page): string {
    const section = this.nav.byDir.get(page.dir);
    if (!section || !page.isIndex) return '';
    const entry = (p: Page) => `<li><a href="${escapeHtml(p.url)}">${escapeHtml(p.title)}</a>${p.severity ? ` <span class="badge badge--${escapeHtml(p.severity)}">${escapeHtml(p.severity)}</span>` : ''}${p.description ? `<p>${escapeHtml(p.description)}</p>` : ''}</li>`;
    const subs = section.subsections.map((s) => s.index);
    const parts: string[] = [];
    if (subs.length) parts.push(`<h2 id="sections">Sections</h2><ul class="listing listing--sections">${subs.map(entry).join('')}</ul>`);
    if (section.pages.length) parts.push(`<h2 id="pages">Pages</h2><ul class="listing">${section.pages.map(entry).join('')}</ul>`);
    return parts.join('');
  }
}

/** Sidebar: the page's h2 headings, each linking to its anchor. */
export function tocHtml(headings: readonly Heading[] | undefined): string {
  if (!headings?.length) return '';
  return `<ul class="toc__list">${headings.map((h) => `<li><a href="#${escapeHtml(encodeURIComponent(h.id))}">${escapeHtml(h.text)}</a></li>`).join('')}</ul>`;
}
