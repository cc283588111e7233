/**
 * The conventions of the tools runbook trees come from (Hugo and its Book theme, MkDocs Material,
 * Docusaurus, Just the Docs, plain GitHub), understood as ours: which file is a folder's page,
 * which front-matter fields order, title, hide or leave out a page, and which fields belong to a
 * tool and are not worth a warning. docs/decisions.md, "Adoption and base path (issue 17)".
 */

/** File names that are a folder's page: Hugo's `_index.md`, ours `index.md`, GitHub's `README.md`. */
const INDEX_NAME = /^(_index|index|readme)\.(md|markdown)$/i;

export function isIndexName(fileName: string): boolean {
  return INDEX_NAME.test(fileName);
}

/** `queues/_index.md`, `queues/README.md`, `queues/index.md` -> true. */
export function isIndexSource(source: string): boolean {
  return isIndexName(source.slice(source.lastIndexOf('/') + 1));
}

/** The name of a page without its extension, a folder's page named by its folder ('' at the root). */
export function pageName(source: string): string {
  const parts = source.split('/');
  const last = parts.pop()!;
  if (isIndexName(last)) return parts.pop() ?? '';
  return last.replace(/\.(md|markdown|html)$/i, '');
}

/**
 * A title from a file or folder name: `KubePodCrashLooping` -> `Kube Pod Crash Looping`,
 * `disk-full_alert` -> `Disk full alert`, `01-setup` -> `Setup` (Docusaurus number prefixes).
 */
export function titleFromName(name: string): string {
  const words = name
    .replace(/^\d+[-_. ]+(?=\D)/, '')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!words) return 'Untitled';
  // Kebab names become a sentence; CamelCase words keep their capitals.
  return words[0]!.toUpperCase() + words.slice(1);
}

/** Fields each tool defines (lowercase: Hugo's keys are case-insensitive). Not reported as unknown. */
export const TOOL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Hugo: [
    'weight', 'linktitle', 'date', 'lastmod', 'publishdate', 'expirydate', 'aliases', 'slug', 'url', 'summary', 'tags',
    'categories', 'keywords', 'menu', 'headless', 'cascade', 'build', '_build', 'outputs', 'resources', 'markup',
    'translationkey', 'sitemap', 'iscjklanguage', 'toc', 'images', 'author', 'authors', 'series', 'geekdocHidden'.toLowerCase(),
    'bookhidden', 'bookcollapsesection', 'bookflatsection', 'booktoc', 'bookcomments', 'booksearchexclude', 'bookhref', 'bookicon',
    'hidden', 'archetype', 'pre', 'post', 'alwaysopen', 'chapter', 'menutitle', 'linkchecker',
  ],
  Docusaurus: [
    'id', 'sidebar_label', 'sidebar_position', 'sidebar_class_name', 'sidebar_custom_props', 'displayed_sidebar',
    'hide_title', 'hide_table_of_contents', 'pagination_label', 'pagination_next', 'pagination_prev', 'keywords', 'image',
    'tags', 'custom_edit_url', 'parse_number_prefixes', 'last_update', 'toc_min_heading_level', 'toc_max_heading_level',
    'unlisted', 'slug',
  ],
  MkDocs: ['template', 'hide', 'status', 'icon', 'subtitle', 'tags', 'search', 'social', 'comments', 'authors', 'date', 'nav_title'],
  'Just the Docs': ['nav_order', 'parent', 'grand_parent', 'has_children', 'nav_exclude', 'search_exclude', 'has_toc', 'permalink', 'child_nav_order', 'nav_enabled'],
  GitHub: ['permalink', 'redirect_from', 'redirect_to', 'published'],
};

/** Field -> the tools that define it, built once from TOOL_FIELDS. */
function toolsByField(): ReadonlyMap<string, readonly string[]> {
  const byField = new Map<string, string[]>();
  for (const [tool, fields] of Object.entries(TOOL_FIELDS)) {
    for (const f of fields) byField.set(f, [...(byField.get(f) ?? []), tool]);
  }
  return byField;
}
const TOOL_OF = toolsByField();

/** The tools that define a field (empty when none does). */
export function toolsOf(field: string): readonly string[] {
  return TOOL_OF.get(field.toLowerCase()) ?? [];
}

/** What the tools' fields mean here, taken from a page's front matter. */
export interface Adopted {
  /** Position among its siblings: Hugo `weight`, Docusaurus `sidebar_position`, Just the Docs `nav_order`. */
  order?: number;
  /** The name navigation shows: Hugo `linkTitle`, Docusaurus `sidebar_label`. */
  navTitle?: string;
  /**
   * Built but not listed: `bookHidden`, `hidden`, `nav_exclude`, `sidebar_class_name: hidden` leave it
   * out of navigation; Docusaurus `unlisted` (and search exclusions) out of search and the sitemap too.
   */
  unlisted?: 'nav' | 'everywhere';
  /** Left out of the site: Just the Docs / Jekyll `published: false`. */
  draft?: boolean;
  /** Tool fields the page used, by tool, for the adoption summary. */
  fields: { tool: string; field: string }[];
}

/** Reads (and removes) the tools' fields from front matter data, keeping our own fields as they are. */
export function adoptToolFields(data: Record<string, unknown>, ourFields: readonly string[]): Adopted {
  const out: Adopted = { fields: [] };
  const truthy = (v: unknown) => v === true || v === 'true';
  for (const key of Object.keys(data)) {
    // Hugo's `type: docs` (a layout family) is not ours (`runbook` or `page`): Hugo's, and ignored.
    if (key === 'type' && typeof data.type === 'string' && !['runbook', 'page'].includes(data.type)) {
      out.fields.push({ tool: 'Hugo', field: 'type' });
      delete data.type;
      continue;
    }
    if (ourFields.includes(key)) continue;
    const tools = toolsOf(key);
    if (!tools.length) continue;
    const value = data[key];
    delete data[key];
    for (const tool of tools) out.fields.push({ tool, field: key });
    switch (key.toLowerCase()) {
      case 'weight':
      case 'sidebar_position':
      case 'nav_order':
        if (typeof value === 'number' && out.order === undefined) out.order = value;
        break;
      case 'linktitle':
      case 'sidebar_label':
      case 'menutitle':
        if (typeof value === 'string' && value.trim()) out.navTitle = value.trim();
        break;
      case 'bookhidden':
      case 'hidden':
      case 'nav_exclude':
      case 'geekdochidden':
        if (truthy(value)) out.unlisted ??= 'nav';
        break;
      case 'sidebar_class_name':
        if (typeof value === 'string' && value.split(/\s+/).includes('hidden')) out.unlisted ??= 'nav';
        break;
      case 'unlisted':
        if (truthy(value)) out.unlisted = 'everywhere';
        break;
      case 'published':
        if (value === false) out.draft = true;
        break;
    }
  }
  return out;
}
