/**
 * Stage 2, sections: one collection per folder of the source tree that holds pages, through
 * @metalsmith/collections, ordered by the custom sorter (lib/nav/sort.ts): first the names the
 * folder's index.md lists in `order:`, then every other page pseudo-alphabetized. Each page gets
 * its previous and next page in the site's reading order, and the build gets the navigation tree the layout
 * renders (top-level sections, each folder's pages and subfolders).
 *
 * @metalsmith/collections is run once per folder, on that folder's files only. The package looks
 * every collected file up in the whole file list, quadratic in a folder's size; the patch applied at
 * install (patches/, by patch-package) makes those lookups maps (docs/decisions.md#collections-patch).
 * Its `refer` option is off: it copies arrays of *all* preceding and following files onto every
 * file (quadratic again); previous/next are set here from the sorted list instead.
 * Reads: page.dir, page.order, page.title, the index pages' `order:` (else mkdocs.yml `nav:`). Writes: page.prev,
 * page.next, page.navTitle, metadata collections and nav.
 */
import collections from '@metalsmith/collections';
import type Metalsmith from 'metalsmith';
import path from 'node:path';
import type { BuildContext } from '../lib/core/context.ts';
import fs from 'node:fs';
import { titleFromName } from '../lib/nav/conventions.ts';
import { emptyNavFile, findMkdocsYml, NavFileError, readCategory, readMkdocsNav, type NavFile } from '../lib/nav/nav-files.ts';
import { YamlLines } from '../lib/core/yaml-errors.ts';
import type { Navigation, Section } from '../lib/nav/navigation.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { baseName, pseudoAlphabetical } from '../lib/nav/sort.ts';

export default function sections(ctx: BuildContext): Metalsmith.Plugin {
  return async function sections(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:sections');
    const pages = files as Files;

    // Folders and their pages. Every folder on the way to a page is a section, with or without index.md.
    const dirs = new Map<string, { index?: string; keys: string[] }>();
    const ensure = (dir: string) => {
      let d = dirs.get(dir);
      if (!d) {
        dirs.set(dir, (d = { keys: [] }));
        if (dir) ensure(parentDir(dir));
      }
      return d;
    };
    ensure('');
    const navFile = readNavFiles(ctx, files);
    for (const key of Object.keys(pages).sort()) {
      if (!isMarkdown(key)) continue;
      const page = pages[key]!;
      const d = ensure(page.dir);
      page.navTitle ??= navFile.titles.get(page.source);
      if (page.isIndex) {
        if (d.index !== undefined) {
          const other = pages[d.index]!.source;
          ctx.diagnostics.report(page.source, {
            code: 'section/two-index-pages',
            message: `this folder has two section pages, ${ctx.diagnostics.displayPath(other)} and ${ctx.diagnostics.displayPath(page.source)}: only one can be the folder's page`,
            hint: 'Keep one of index.md, _index.md and README.md in a folder: merge the other into it, or rename it to an ordinary page.',
          });
          delete pages[key];
          continue;
        }
        d.index = key;
      } else if (!page.unlisted) d.keys.push(key); // built, but not in the section's list (lib/nav/conventions.ts)
    }

    // A folder without index.md still gets a section page listing its pages.
    for (const [dir, d] of dirs) {
      if (d.index) continue;
      const key = dir ? `${dir}${path.sep}index.md`.split(path.sep).join(path.sep) : 'index.md';
      const source = dir ? `${dir}/index.md` : 'index.md';
      pages[key] = {
        contents: Buffer.from(''),
        title: navFile.sectionTitles.get(dir) ?? (dir ? titleFromName(dir.slice(dir.lastIndexOf('/') + 1)) : ctx.site.title),
        type: 'page',
        source,
        bodyLine: 1,
        markdown: '',
        dir,
        isIndex: true,
        section: dir,
        generated: true,
      };
      d.index = key;
    }

    // One collection per folder, sorted by the section's explicit order then pseudo-alphabetically.
    const all: Record<string, Page[]> = {};
    for (const [dir, d] of [...dirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const index = pages[d.index!]!;
      if (!index.generated && navFile.sectionTitles.has(dir)) index.navTitle ??= navFile.sectionTitles.get(dir);
      // Our `order:` list wins; else mkdocs.yml's `nav:` order for this folder.
      const explicit = Array.isArray(index.order) ? index.order : (navFile.order.get(dir) ?? []);
      if (Array.isArray(index.order)) checkExplicitOrder(ctx, index, explicit, d.keys.map((k) => pages[k]!), [...dirs.keys()].filter((x) => x && parentDir(x) === dir));
      const compare = pseudoAlphabetical<Page>(explicit, (p) => ({ path: p.source, title: p.navTitle ?? p.title, order: typeof p.order === 'number' ? p.order : undefined }));
      const name = dir || '.';
      const subset = Object.fromEntries(d.keys.map((k) => [k, pages[k]!]));
      await new Promise<void>((resolve, reject) => {
        const plugin = collections({ [name]: { pattern: '**', sort: compare, refer: false } } as never);
        plugin(subset as never, metalsmith, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
      all[name] = [...((metalsmith.metadata() as { collections: Record<string, Page[]> }).collections[name] ?? [])];
    }
    metalsmith.metadata({ collections: all });

    // The navigation tree, and previous/next in reading order: section page, then its pages.
    const byDir = new Map<string, Section>();
    for (const [dir, d] of dirs) byDir.set(dir, { dir, index: pages[d.index!]!, pages: all[dir || '.'] ?? [], subsections: [] });
    for (const [dir, section] of byDir) {
      if (!dir) continue;
      const parent = byDir.get(parentDir(dir))!;
      section.parent = parent;
      parent.subsections.push(section);
    }
    for (const section of byDir.values()) {
      const explicit = Array.isArray(section.index.order) ? section.index.order : (navFile.order.get(section.dir) ?? []);
      // A subsection's own number (Hugo `weight` on _index.md, Docusaurus `position`) places it.
      const position = (s: Section) => (typeof s.index.order === 'number' ? s.index.order : navFile.sectionOrder.get(s.dir));
      section.subsections.sort(pseudoAlphabetical<Section>(explicit, (s) => ({ path: s.index.source, title: s.index.navTitle ?? s.index.title, order: position(s) })));
    }
    // Previous/next follow the whole site in reading order (a section page, its pages, then its
    // subsections, then the next section), so the pager at a section's end leads on.
    const chain = readingOrder(byDir.get('')!);
    chain.forEach((p, i) => {
      p.prev = chain[i - 1];
      p.next = chain[i + 1];
    });
    const root = byDir.get('')!;
    const nav: Navigation = { root, byDir, top: root.subsections };
    metalsmith.metadata({ nav });
    debug('%d sections, %d top-level', byDir.size, nav.top.length);
  };
}

/** Every page of `section` and below, depth first: section page, its pages, its subsections. */
function readingOrder(section: Section, out: Page[] = []): Page[] {
  out.push(section.index, ...section.pages);
  for (const sub of section.subsections) readingOrder(sub, out);
  return out;
}

function parentDir(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i === -1 ? '' : dir.slice(0, i);
}

/**
 * mkdocs.yml's `nav:` (beside or above the source) and every folder's Docusaurus _category_.json
 * or .yml, as one NavFile; the category files are taken out of the site (they are not content).
 */
function readNavFiles(ctx: BuildContext, files: Metalsmith.Files): NavFile {
  let nav = emptyNavFile();
  const report = (err: unknown) => {
    if (!(err instanceof NavFileError)) throw err;
    ctx.diagnostics.reportFile(err.file, { code: 'nav/file', line: err.line, message: err.message, hint: 'Fix the file, or delete it: the pages build without it.' });
  };
  const mkdocs = findMkdocsYml(ctx.source);
  if (mkdocs) {
    try {
      nav = readMkdocsNav(fs.readFileSync(mkdocs, 'utf8'), mkdocs);
      if (!ctx.adoption.navFiles.includes(mkdocs)) ctx.adoption.navFiles.push(path.relative(ctx.root, mkdocs) || mkdocs);
    } catch (err) {
      report(err);
    }
  }
  for (const key of Object.keys(files)) {
    const rel = key.split(path.sep).join('/');
    if (rel === 'mkdocs.yml') delete files[key];
    const m = /^(?:(.*)\/)?_category_\.(json|ya?ml)$/.exec(rel);
    if (!m) continue;
    const dir = m[1] ?? '';
    try {
      const category = readCategory(files[key]!.contents.toString('utf8'), path.join(ctx.source, key));
      if (category.label) nav.sectionTitles.set(dir, category.label);
      if (category.position !== undefined) nav.sectionOrder.set(dir, category.position);
      ctx.adoption.navFiles.push(path.relative(ctx.root, path.join(ctx.source, key)));
    } catch (err) {
      report(err);
    }
    delete files[key];
  }
  return nav;
}

/** An `order:` entry that names no page or subfolder is a typo: say which, at its line. */
function checkExplicitOrder(ctx: BuildContext, index: Page, explicit: readonly string[], members: Page[], subdirs: string[]): void {
  if (!explicit.length || index.generated) return;
  const names = new Set([...members.map((p) => baseName(p.source)), ...subdirs.map((d) => d.slice(d.lastIndexOf('/') + 1))]);
  const lines = new YamlLines(index.frontMatter ?? '');
  explicit.forEach((entry, i) => {
    const name = entry.replace(/\.(md|markdown)$/i, '');
    if (names.has(name)) return;
    ctx.diagnostics.report(index.source, {
      code: 'order/unknown-page',
      severity: 'warning',
      line: lines.lineOf(['order', i], 2),
      message: `\`order\` lists "${entry}", but this folder has no page or subfolder of that name`,
      hint: `Use file names without .md: ${[...names].sort().join(', ') || '(no pages yet)'}.`,
    });
  });
}
