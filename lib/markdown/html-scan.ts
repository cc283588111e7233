/**
 * One htmlparser2 pass over a page's HTML that finds what three stages need: its headings (for the
 * headings stage), every id, and every link and image tag with its position (for the links stage),
 * and its text split at each h2 (for the search index).
 *
 * The headings stage parses each page, edits it (ids, anchor links), and hands the result for the
 * edited HTML (positions moved by its own edits) to the links stage on the page (`page.htmlScan`,
 * with the contents Buffer it belongs to). The links stage uses it when the page still has that
 * exact Buffer, and parses otherwise, so a page is not parsed twice (docs/decisions.md#html-scan-handoff).
 */
import { Parser } from 'htmlparser2';

export interface LinkTag {
  /** Offsets of the opening tag in the HTML (end inclusive). */
  start: number;
  end: number;
  attr: 'href' | 'src';
  /** Attribute value, entities decoded. */
  value: string;
}

export interface HeadingTag {
  tag: string;
  openStart: number;
  openEnd: number;
  closeStart: number;
  text: string;
  id?: string;
}

/** The plain text of a stretch of the page, and the h2 it comes under (none: before the first). */
export interface SectionText {
  heading: HeadingTag | undefined;
  /** Prose: what a search snippet may show. */
  text: string;
  /** Tables and code blocks: searchable, never a snippet (a table read as text is a dump of cells). */
  other: string;
}

export interface HtmlScan {
  ids: Set<string>;
  links: LinkTag[];
}

/** Tags whose boundaries separate words in the plain text (`<li>one</li><li>two</li>` -> "one two"). */
const BLOCK: ReadonlySet<string> = new Set(['p', 'li', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td', 'th', 'tr', 'pre', 'div', 'dt', 'dd', 'blockquote', 'ul', 'ol', 'table', 'aside']);
// Runs only, because replacing every single space with a space was the slowest step (docs/decisions.md#html-scan-spaces).
const SPACE = /\s{2,}|\n/g;
/** Elements whose text goes to a section's `other` text. */
const OTHER: ReadonlySet<string> = new Set(['table', 'pre']);

/**
 * Left out of the text: an environment tab strip, every environment panel but the default one
 * (the same command three times would only repeat words), and heading anchor links ("#").
 */
function leftOut(name: string, attrs: Record<string, string>): boolean {
  const cls = attrs.class;
  if (cls === undefined) return false;
  if (name === 'a') return cls === 'heading-anchor';
  if (name !== 'div') return false;
  return cls.startsWith('env-tabs__list') || (cls.startsWith('env-tabs__panel') && attrs['data-default'] === undefined);
}

export function scanHtml(html: string): HtmlScan & { headings: HeadingTag[]; sections: SectionText[] } {
  const ids = new Set<string>();
  const links: LinkTag[] = [];
  const headings: HeadingTag[] = [];
  const sections: SectionText[] = [];
  let current: HeadingTag | undefined;
  let section: SectionText = { heading: undefined, text: '', other: '' };
  // How many tables / code blocks we are inside.
  let other = 0;
  // The element whose text is being left out, and how deep in same-named elements we are.
  let skipping = '';
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (attrs.id) ids.add(attrs.id);
        if (name === 'a' && attrs.name) ids.add(attrs.name);
        const attr = name === 'a' ? 'href' : name === 'img' ? 'src' : undefined;
        if (attr && attrs[attr] !== undefined) links.push({ start: parser.startIndex, end: parser.endIndex, attr, value: attrs[attr]! });
        if (!current && name.length === 2 && name[0] === 'h' && name[1]! >= '1' && name[1]! <= '6') {
          current = { tag: name, openStart: parser.startIndex, openEnd: parser.endIndex, closeStart: -1, text: '', id: attrs.id };
          if (name === 'h2' && !skipping) {
            sections.push(section);
            section = { heading: current, text: '', other: '' };
          }
        }
        if (skipping) {
          if (name === skipping) depth++;
          return;
        }
        if (leftOut(name, attrs)) {
          skipping = name;
          depth = 1;
          return;
        }
        if (OTHER.has(name)) other++;
        if (BLOCK.has(name)) {
          if (other) section.other += ' ';
          else section.text += ' ';
        }
      },
      ontext(text) {
        if (skipping) return;
        if (current) {
          current.text += text;
          if (current.tag === 'h2') return; // an h2's text is its section's heading, not its text
        }
        if (other) section.other += text;
        else section.text += text;
      },
      onclosetag(name) {
        if (current && name === current.tag) {
          current.closeStart = parser.startIndex;
          current.text = current.text.replace(/\s+/g, ' ').trim();
          headings.push(current);
          current = undefined;
        }
        if (skipping) {
          if (name === skipping && --depth === 0) skipping = '';
          return;
        }
        if (BLOCK.has(name)) {
          if (other) section.other += ' ';
          else section.text += ' ';
        }
        if (OTHER.has(name) && other) other--;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  sections.push(section);
  for (const s of sections) {
    s.text = s.text.replace(SPACE, ' ').trim();
    s.other = s.other.replace(SPACE, ' ').trim();
  }
  return { ids, links, headings, sections };
}

/**
 * A scan handed from the headings stage to the links stage on the page (`Page.htmlScan`), valid only
 * while the page's `contents` is this exact Buffer: a later stage that rewrites the HTML leaves it
 * stale, and the links stage then parses the page again.
 */
export interface PageScan extends HtmlScan {
  of: Buffer;
}

/** The handed-over scan of `contents`, if it is still the HTML the scan was made of. */
export function scanOf(contents: Buffer, handed: PageScan | undefined): HtmlScan | undefined {
  return handed?.of === contents ? handed : undefined;
}
