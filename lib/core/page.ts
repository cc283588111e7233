/**
 * The metadata each page carries through the pipeline, added stage by stage. Metalsmith files
 * are plain objects; this is the shape our plugins agree on.
 */
import type { Stats } from 'node:fs';
import type { Removal } from '../markdown/sanitize.ts';
import type { HtmlStash } from '../markdown/shield.ts';
import type { FrontMatter } from './schema.ts';
import type { LinkTag, PageScan } from '../markdown/html-scan.ts';
import type { SearchSection } from '../search/sections.ts';

export interface Heading {
  /** Plain text of the heading, as shown in the sidebar. */
  text: string;
  /** Unique id on the page: the anchor. */
  id: string;
}

export type Page = Omit<FrontMatter, 'title' | 'type'> & {
  contents: Buffer;
  mode?: string;
  /**
   * A file whose bytes come later (the search index, built on a worker while the next stages run):
   * `contents` is empty until this resolves with them. The writer and the dev server wait for it.
   */
  later?: Promise<Buffer>;
  stats?: Stats;
  /** Always set by the frontmatter stage: from front matter, the first `# heading`, or the file name. */
  title: string;
  type: 'runbook' | 'page';
  /** Source path relative to the source directory, with `/` (stays the same after permalinks). */
  source: string;
  /** Line of the file where the Markdown body starts (1 when there is no front matter). */
  bodyLine: number;
  /** The front-matter YAML as written (line 2 of the file is its first line), to locate problems. */
  frontMatter?: string;
  /**
   * The Markdown body as written, only for pages the build generates (they have no file). For a
   * file, problems re-read it (lib/core/source-text.ts), because a copy of every body costs memory for a
   * lookup that happens only when there is a mistake (docs/decisions.md#page-body).
   */
  markdown?: string;
  /** Folder of the page relative to the source dir ('' for the root). */
  dir: string;
  /** The name navigation shows, when it differs from the title (Hugo `linkTitle`, Docusaurus `sidebar_label`, mkdocs.yml `nav:`). */
  navTitle?: string;
  /** Built but not listed in navigation ('nav'), or not in search and the sitemap either ('everywhere'). */
  unlisted?: 'nav' | 'everywhere';
  /** True for a folder's page (index.md, _index.md or README.md): the section page. */
  isIndex: boolean;
  /** The section (folder) whose navigation this page shows. */
  section: string;
  headings?: Heading[];
  permalink?: string;
  /** The page has a ```mermaid block: the layout loads the diagram script (set by the conventions stage). */
  hasDiagram?: boolean;
  /** The URL with the file name's letter case, when URLs are lowercase and it differs: redirected to `url`. */
  caseUrl?: string;
  /** Root-relative URL with trailing slash, e.g. `/queues/backlog/`. */
  url?: string;
  /** Neighbours in the section's reading order (the section page, then its pages). */
  prev?: Page;
  next?: Page;
  /** Names of the collections (folders) the page is in, set by @metalsmith/collections. */
  collection?: string[];
  /** Created by the build for a folder that has no index.md. */
  generated?: boolean;
  /** The 404 page the layout stage adds when src/ has none. */
  generated404?: boolean;
  /** Git or file-system date of last change, YYYY-MM-DD. */
  updated?: string;
  /** What the sanitizer removed from the page's HTML (markdown stage), kept with it in the render cache. */
  removed?: Removal[];
  /** Set on runbooks whose review is overdue: days overdue and since when. */
  reviewOverdue?: { days: number; since: string };
  /** The page's search sections, the first with an empty heading (set by the headings stage). */
  searchSections?: SearchSection[];
  /**
   * HTML held back from Markdown (callouts, environment tabs, site.yml values), put by the conventions
   * and templates stages as placeholders in the Markdown, put back by the markdown stage.
   */
  htmlStash?: HtmlStash;
  /** Ids and links of the page's HTML, from the headings stage's scan, for the links stage. */
  htmlScan?: PageScan;
  /** The render cache's answer for this page, from the markdown stage to the headings stage. */
  renderCache?: CacheEntry;
};

/** One page after the markdown and headings stages, as the render cache keeps it (lib/io/render-cache.ts). */
export interface RenderedPage {
  html: string;
  headings: Heading[];
  ids: string[];
  links: LinkTag[];
  /** The search stage's sections of the page, split with an empty title (lib/search/sections.ts). */
  sections: SearchSection[];
  /** What the sanitizer removed (lib/markdown/sanitize.ts): reported again when the page comes from the cache. */
  removed: Removal[];
}

/** A page's render-cache key, and what an earlier build rendered for it when there was a record. */
export interface CacheEntry {
  key: string;
  hit?: RenderedPage;
}

export type Files = Record<string, Page>;

/** Markdown pages (the files the page stages work on). */
export function isMarkdown(name: string): boolean {
  return /\.(md|markdown)$/i.test(name);
}
