/**
 * Navigation HTML, rendered once per section and reused by every page of it: the top navigation,
 * a section's page list, breadcrumbs and the sidebar of h2 headings. Rendering them inside the
 * layout for each page made navigation cost (pages x sections); here a page only picks the
 * pre-rendered list and marks its own entry.
 */
import type { Heading, Page } from '../core/page.ts';
import type { Navigation, Section } from './navigation.ts';
import { escapeHtml } from '../util/text.ts';

/**
 * A section's page list as bytes, encoded once per section: every entry unmarked, one after
 * another in `plain`, with `starts[i]` where entry i begins (`starts[n]` = the end). The page at
 * index i gets `plain[0, starts[i])`, its own marked entry, then `plain[starts[i + 1], end)`: two
 * views of the same bytes, copied once into the page by the layout stage (plugins/layout.ts).
 * Encoded once per section because joining and encoding each page's list again was a large part of
 * the layout stage (docs/decisions.md#nav-lists).
 */
interface ListItems {
  plain: Buffer;
  starts: number[];
  current: string[];
  index: Map<string, number>;
  /** The subsections group, if any, and the list's closing tag. */
  tail: Buffer;
}

/** Top-level sections the top navigation shows at most (the home page lists them all). */
const TOP_WINDOW = 13;

/** Pages shown on each side of the current one in a section's list (a section page shows the first 2x). */
const NAV_WINDOW = 50;

function listItems(section: Section): ListItems {
  const plain = section.pages.map((p) => link(p, false));
  const starts = [0];
  for (const item of plain) starts.push(starts[starts.length - 1]! + Buffer.byteLength(item));
  const subs = section.subsections.length
    ? `<li class="section-nav__group"><span class="section-nav__label">Subsections</span><ul>${section.subsections.map((s) => link(s.index, false)).join('')}</ul></li>`
    : '';
  return {
    plain: Buffer.from(plain.join('')),
    starts,
    current: section.pages.map((p) => link(p, true)),
    index: new Map(section.pages.map((p, i) => [p.source, i])),
    tail: Buffer.from(`${subs}</ul>`),
  };
}

function link(p: Page, current: boolean, extra = ''): string {
  const aria = current ? ' aria-current="page"' : '';
  const desc = extra ? ` ${extra}` : '';
  return `<li${current ? ' class="is-current"' : ''}><a href="${escapeHtml(p.url)}"${aria}>${escapeHtml(p.navTitle ?? p.title)}</a>${desc}</li>`;
}

export class NavRenderer {
  private readonly topCache = new Map<string, Buffer>();
  private readonly sectionItems = new Map<string, ListItems>();

  constructor(private readonly nav: Navigation) {}

  /**
   * Top navigation: the top-level sections, the page's own marked (bytes, shared per section). A site
   * with more than TOP_WINDOW of them shows that many around the page's own and links to the home
   * page's listing for the rest: every page carrying all N sections made the site grow with pages x N
   * (docs/decisions.md#bounded-top-nav).
   */
  top(page: Page): Buffer {
    const topDir = page.source.includes('/') ? page.source.slice(0, page.source.indexOf('/')) : '';
    let html = this.topCache.get(topDir);
    if (html === undefined) {
      const all = this.nav.top;
      const idx = all.findIndex((s) => s.dir === topDir);
      const from = Math.max(0, Math.min(idx - (TOP_WINDOW >> 1), all.length - TOP_WINDOW));
      const to = Math.min(all.length, from + TOP_WINDOW);
      const items = all.slice(from, to).map((s) => {
        const cur = s.dir === topDir;
        const aria = cur ? ' aria-current="true"' : '';
        return `<li${cur ? ' class="is-current"' : ''}><a href="${escapeHtml(s.index.url)}"${aria}>${escapeHtml(s.index.navTitle ?? s.index.title)}</a></li>`;
      });
      const more = (count: number, which: string) =>
        `<li class="top-nav__more"><a href="${escapeHtml(this.nav.root.index.url)}#sections">${count} ${which} ${count === 1 ? 'section' : 'sections'}</a></li>`;
      if (from > 0) items.unshift(more(from, 'earlier'));
      if (to < all.length) items.push(more(all.length - to, 'later'));
      html = Buffer.from(`<ul class="top-nav__list">${items.join('')}</ul>`);
      this.topCache.set(topDir, html);
    }
    return html;
  }

  section(dir: string): Section | undefined {
    return this.nav.byDir.get(dir);
  }

  /**
   * The section's pages in collection order, the current page marked with aria-current="page":
   * the pieces of its bytes, in order (empty when the page has no section).
   */
  sectionList(page: Page): Buffer[] {
    const section = this.nav.byDir.get(page.section);
    // A section of one page (Alerts, Services) has no list: its heading says it all.
    if (!section || (!section.pages.length && !section.subsections.length)) return [];
    let items = this.sectionItems.get(section.dir);
    if (!items) {
      items = listItems(section);
      this.sectionItems.set(section.dir, items);
    }
    const idx = page.isIndex ? undefined : items.index.get(page.source);
    // The section itself is the list's heading (layouts/default.hbs), not an entry of it again.
    const head = Buffer.from('<ul class="section-nav__list">');
    const n = section.pages.length;
    // A long section shows a window around the page: every page carrying a whole list of N pages
    // makes the site's size grow with N squared (docs/decisions.md#bounded-section-nav).
    const from = idx === undefined ? 0 : Math.max(0, idx - NAV_WINDOW);
    const to = idx === undefined ? Math.min(n, 2 * NAV_WINDOW) : Math.min(n, idx + NAV_WINDOW + 1);
    const more = (count: number, which: string) => Buffer.from(`<li class="section-nav__more"><a href="${escapeHtml(section.index.url)}#pages">${count} ${which} ${count === 1 ? 'page' : 'pages'}</a></li>`);
    const out: Buffer[] = [head];
    if (from > 0) out.push(more(from, 'earlier'));
    if (idx === undefined) out.push(items.plain.subarray(items.starts[from], items.starts[to]));
    else out.push(items.plain.subarray(items.starts[from], items.starts[idx]), Buffer.from(items.current[idx]!), items.plain.subarray(items.starts[idx + 1], items.starts[to]));
    if (to < n) out.push(more(n - to, 'later'));
    out.push(items.tail);
    return out;
  }

  /**
   * Home > Section > Subsection: where the page is, never the page itself (its title is the h1
   * right below; repeating it made the trail two lines on a phone).
   */
  breadcrumbs(page: Page): string {
    const trail: Page[] = [];
    let s = this.nav.byDir.get(page.section);
    while (s) {
      trail.unshift(s.index);
      s = s.parent;
    }
    if (page.isIndex) trail.pop();
    return trail.map((p) => `<li><a href="${escapeHtml(p.url)}">${escapeHtml(p.navTitle ?? p.title)}</a></li>`).join('');
  }

  /** Listing on a section page: its pages with descriptions, then its subsections. */
  listing(page: Page): string {
    const section = this.nav.byDir.get(page.dir);
    if (!section || !page.isIndex) return '';
    const entry = (p: Page) => `<li><a href="${escapeHtml(p.url)}">${escapeHtml(p.navTitle ?? p.title)}</a>${p.severity ? ` <span class="badge badge--${escapeHtml(p.severity)}">${escapeHtml(p.severity)}</span>` : ''}${p.description ? `<p>${escapeHtml(p.description)}</p>` : ''}</li>`;
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
