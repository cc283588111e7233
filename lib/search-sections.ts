/** A page's text cut at its h2 headings: what search indexes, one entry a section. */
import { scanHtml, type HeadingTag, type SectionText } from './html-scan.ts';

export interface SearchSection {
  heading: string;
  /** The h2's id, '' for the text before the first h2. */
  anchor: string;
  text: string;
}

/**
 * Splits a page body into its h2 sections: the text before the first h2 under `title`, then each
 * h2's text under its heading and id. The text is what the headings stage's scan collects
 * (lib/html-scan.ts), so a page split here and one split there give the same entries.
 */
export function splitSections(html: string, title: string): SearchSection[] {
  return searchSections(scanHtml(html).sections, title, (h) => h.id);
}

/**
 * Search entries from a scan's sections: the text before the first h2 under `title`, each h2's
 * under its text, anchored at `idOf` (the id in the HTML, or the one the headings stage gives it).
 */
export function searchSections(sections: readonly SectionText[], title: string, idOf: (h: HeadingTag) => string | undefined): SearchSection[] {
  return sections.map((s) => ({ heading: s.heading ? s.heading.text : title, anchor: s.heading ? (idOf(s.heading) ?? '') : '', text: s.text }));
}
