/**
 * Stage 5, headings: records every h2 of a page (plain text and a unique id) as `headings` for the
 * sidebar, gives every heading an id (GitHub's slug rules, unique on the page) so `#anchors`
 * resolve, and gives each h2 and h3 an anchor link. The HTML is read with htmlparser2, and the
 * page is edited only at the tag positions it reports.
 */
import GithubSlugger from 'github-slugger';
import { Parser } from 'htmlparser2';
import type Metalsmith from 'metalsmith';
import type { Files, Heading } from '../lib/page.ts';
import { escapeHtml } from '../lib/text.ts';

export interface HeadingsOptions {
  /** Heading levels that get a visible anchor link. */
  anchors?: readonly string[];
}

export const defaults = { anchors: ['h2', 'h3'] };

interface Found {
  tag: string;
  openStart: number;
  openEnd: number;
  closeStart: number;
  text: string;
  id?: string;
}

/** Finds h1-h6 elements with their offsets and plain text. */
export function scanHeadings(html: string): Found[] {
  const out: Found[] = [];
  let current: Found | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (/^h[1-6]$/.test(name) && !current) {
          current = { tag: name, openStart: parser.startIndex, openEnd: parser.endIndex, closeStart: -1, text: '', id: attrs.id };
        }
      },
      ontext(text) {
        if (current) current.text += text;
      },
      onclosetag(name) {
        if (current && name === current.tag) {
          current.closeStart = parser.startIndex;
          current.text = current.text.replace(/\s+/g, ' ').trim();
          out.push(current);
          current = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return out;
}

export default function headings(options: HeadingsOptions = {}): Metalsmith.Plugin {
  const anchors = new Set(options.anchors ?? defaults.anchors);
  return function headings(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:headings');
    const pages = files as unknown as Files;
    for (const key of Object.keys(pages)) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      const html = page.contents.toString('utf8');
      const found = html.includes('<h') ? scanHeadings(html) : [];
      const slugger = new GithubSlugger();
      const list: Heading[] = [];
      let out = '';
      let at = 0;
      for (const h of found) {
        if (h.closeStart < 0) continue;
        const id = h.id ?? slugger.slug(h.text || h.tag);
        if (h.id) slugger.slug(h.id); // reserve it so generated ids don't collide
        if (h.tag === 'h2') list.push({ text: h.text, id });
        const open = h.id ? html.slice(h.openStart, h.openEnd + 1) : `<${h.tag} id="${escapeHtml(id)}">`;
        const inner = html.slice(h.openEnd + 1, h.closeStart);
        const anchor = anchors.has(h.tag)
          ? `<a class="heading-anchor" href="#${escapeHtml(encodeURIComponent(id))}" aria-label="Link to the section ${escapeHtml(h.text)}">#</a>`
          : '';
        out += html.slice(at, h.openStart) + open + inner + anchor;
        at = h.closeStart;
      }
      if (found.length) page.contents = Buffer.from(out + html.slice(at));
      page.headings = list;
    }
    debug('done');
  };
}
