/**
 * Stage 5, headings: records every h2 of a page (plain text and a unique id) as `headings` for the
 * sidebar, gives every heading an id (GitHub's slug rules, unique on the page) so `#anchors`
 * resolve, and gives each h2 and h3 an anchor link. The HTML is read with htmlparser2 (lib/markdown/html-scan.ts),
 * the page is edited only at the tag positions it reports, and the scan is kept for the links stage.
 * Reads: page.contents (HTML), page.renderCache. Writes: page.contents (ids, anchor links),
 * page.headings, page.htmlScan, page.searchSections.
 */
import GithubSlugger from 'github-slugger';
import type Metalsmith from 'metalsmith';
import { scanHtml, type HeadingTag, type LinkTag } from '../lib/markdown/html-scan.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files, Heading, Page, RenderedPage } from '../lib/core/page.ts';
import { searchSections, type SearchSection } from '../lib/search/sections.ts';
import { escapeHtml } from '../lib/util/text.ts';

export interface HeadingsOptions {
  /** Heading levels that get a visible anchor link. */
  anchors?: readonly string[];
}

export const defaults = { anchors: ['h2', 'h3'] } as const;

export default function headings(ctx: BuildContext, options: HeadingsOptions = {}): Metalsmith.Plugin {
  const anchors = new Set(options.anchors ?? defaults.anchors);
  return function headings(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:headings');
    const pages = files as Files;
    const cache = ctx.renderCache;
    /**
     * The page's search sections come from the same scan (the links stage after this changes only
     * attributes), so they can be cached with the HTML. A page rendered now goes into the cache
     * when it is on.
     */
    const done = (key: string | undefined, page: Page, rendered: Omit<RenderedPage, 'sections' | 'removed'>, sections: SearchSection[]) => {
      page.searchSections = sections;
      if (key !== undefined) cache!.set(key, { ...rendered, sections, removed: page.removed ?? [] });
    };
    for (const key of Object.keys(pages)) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      const cached = page.renderCache;
      delete page.renderCache; // handed over once: a later run of this stage renders afresh
      if (cached?.hit) {
        // Rendered by an earlier build (lib/io/render-cache.ts): this stage's results come with it.
        page.headings = cached.hit.headings;
        page.searchSections = cached.hit.sections;
        page.htmlScan = { of: page.contents, ids: new Set(cached.hit.ids), links: cached.hit.links };
        continue;
      }
      const html = page.contents.toString('utf8');
      const scan = scanHtml(html);
      const slugger = new GithubSlugger();
      const list: Heading[] = [];
      const ids = new Map<HeadingTag, string>();
      // The edited HTML, and where each original offset moved to (for the links the scan found).
      const edits: { at: number; delta: number }[] = [];
      const added: LinkTag[] = [];
      let out = '';
      let at = 0;
      for (const h of scan.headings) {
        if (h.closeStart < 0) continue;
        const id = h.id ?? slugger.slug(h.text || h.tag);
        if (h.id) slugger.slug(h.id); // reserve it so generated ids don't collide
        else scan.ids.add(id);
        ids.set(h, id);
        if (h.tag === 'h2') list.push({ text: h.text, id });
        const open = h.id ? html.slice(h.openStart, h.openEnd + 1) : `<${h.tag} id="${escapeHtml(id)}">`;
        const inner = html.slice(h.openEnd + 1, h.closeStart);
        out += html.slice(at, h.openStart) + open + inner;
        edits.push({ at: h.openEnd + 1, delta: open.length - (h.openEnd + 1 - h.openStart) });
        if (anchors.has(h.tag)) {
          const href = `#${encodeURIComponent(id)}`;
          const anchorOpen = `<a class="heading-anchor" href="${escapeHtml(href)}" aria-label="Link to the section ${escapeHtml(h.text)}">`;
          const anchor = `${anchorOpen}#</a>`;
          added.push({ start: out.length, end: out.length + anchorOpen.length - 1, attr: 'href', value: href });
          out += anchor;
          edits.push({ at: h.closeStart, delta: anchor.length });
        }
        at = h.closeStart;
      }
      page.headings = list;
      // The text before the first h2 gets no heading: the search stage names it after the page.
      const sections = searchSections(scan.sections, '', (h) => ids.get(h));
      if (!edits.length) {
        page.htmlScan = { of: page.contents, ids: scan.ids, links: scan.links };
        done(cached?.key, page, { html, headings: list, ids: [...scan.ids], links: scan.links }, sections);
        continue;
      }
      const final = out + html.slice(at);
      page.contents = Buffer.from(final);
      // Where an offset of the original HTML is now: moved by every edit at or before it. The edits
      // are in document order, so this is a binary search over running totals, which keeps a page of
      // many headings and links linear (docs/decisions.md#headings-offsets).
      const shift: number[] = [];
      edits.reduce((sum, e, i) => (shift[i] = sum + e.delta), 0);
      const moved = (p: number) => {
        let lo = 0;
        let hi = edits.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (edits[mid]!.at <= p) lo = mid + 1;
          else hi = mid;
        }
        return lo ? p + shift[lo - 1]! : p;
      };
      const links = [...scan.links.map((l) => ({ ...l, start: moved(l.start), end: moved(l.end) })), ...added].sort((x, y) => x.start - y.start);
      page.htmlScan = { of: page.contents, ids: scan.ids, links };
      done(cached?.key, page, { html: final, headings: list, ids: [...scan.ids], links }, sections);
    }
    debug('done');
  };
}
