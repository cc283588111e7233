/** The site's navigation tree, as the sections stage builds it and the layout renders it. */
import type { Page } from '../core/page.ts';

/** One folder of the site: its section page, its pages in order, its subfolders in order. */
export interface Section {
  dir: string;
  index: Page;
  pages: Page[];
  subsections: Section[];
  parent?: Section;
}

export interface Navigation {
  root: Section;
  /** Every folder by path ('' for the root). */
  byDir: Map<string, Section>;
  /** Top-level sections in order (the root's subsections). */
  top: Section[];
}
