/**
 * A page's search sections, taken from the headings stage's scan (lib/markdown/html-scan.ts) so the page is
 * parsed once: the text before the first h2, then each h2's text under its heading and id.
 */
import { scanHtml, type HeadingTag, type SectionText } from '../markdown/html-scan.ts';

export interface SearchSection {
  heading: string;
  /** The h2's id, '' for the text before the first h2. */
  anchor: string;
  /** Prose (a snippet may show it). */
  text: string;
  /** Tables and code blocks (searchable, never shown). */
  other: string;
}

/**
 * Search entries from a scan's sections: the text before the first h2 under `title`, each h2's
 * under its text, anchored at `idOf` (the id in the HTML, or the one the headings stage gives it).
 */
export function searchSections(sections: readonly SectionText[], title: string, idOf: (h: HeadingTag) => string | undefined): SearchSection[] {
  return sections.map((s) => ({ heading: s.heading ? s.heading.text : title, anchor: s.heading ? (idOf(s.heading) ?? '') : '', text: s.text, other: s.other }));
}

/** Splits a page body into its search sections (for a page the headings stage did not see). */
export function splitSections(html: string, title: string): SearchSection[] {
  return searchSections(scanHtml(html).sections, title, (h) => h.id);
}
