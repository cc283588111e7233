/**
 * The navigation files other tools keep beside the pages: MkDocs' `nav:` in mkdocs.yml and
 * Docusaurus' `_category_.json` / `_category_.yml` in each folder. Read into what the sections
 * stage already understands: a reading order per folder, and labels for pages and folders.
 * A page's own front matter (`order:` list, title fields) wins over them.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { RunbookSmithError } from '../core/errors.ts';

export interface NavFile {
  /** Page and subfolder names (as `order:` lists them) in reading order, by folder ('' = root). */
  order: Map<string, string[]>;
  /** Navigation labels by page source path. */
  titles: Map<string, string>;
  /** Labels of folders (their section pages) by folder. */
  sectionTitles: Map<string, string>;
  /** Positions of folders among their parent's entries (Docusaurus `position`). */
  sectionOrder: Map<string, number>;
}

export function emptyNavFile(): NavFile {
  return { order: new Map(), titles: new Map(), sectionTitles: new Map(), sectionOrder: new Map() };
}

export class NavFileError extends RunbookSmithError {
  override name = 'NavFileError';
  constructor(
    readonly file: string,
    message: string,
    readonly line = 1,
  ) {
    super(message);
  }
}

/**
 * mkdocs.yml for a source folder: in the folder itself, or in its parent when its `docs_dir`
 * (default `docs`) is the folder. Returns the file's path, or undefined when there is none.
 */
export function findMkdocsYml(source: string): string | undefined {
  const inside = path.join(source, 'mkdocs.yml');
  if (fs.existsSync(inside)) return inside;
  const above = path.join(path.dirname(source), 'mkdocs.yml');
  if (!fs.existsSync(above)) return undefined;
  const docsDir = /^docs_dir:\s*['"]?([^'"\n#]+?)['"]?\s*$/m.exec(fs.readFileSync(above, 'utf8'))?.[1] ?? 'docs';
  return path.resolve(path.dirname(source), docsDir) === path.resolve(source) ? above : undefined;
}

/** The `nav:` of an mkdocs.yml (its text), as orders and labels. MkDocs' Python tags are ignored. */
export function readMkdocsNav(text: string, file: string): NavFile {
  let data: unknown;
  try {
    // `!!python/name:material.extensions.emoji.twemoji` and the like: not YAML js-yaml knows.
    data = yaml.load(text.replace(/!!python\/[^\s]+/g, 'null'));
  } catch (err) {
    const e = err as { reason?: string; message: string; mark?: { line: number } };
    throw new NavFileError(file, `mkdocs.yml is not valid YAML: ${e.reason ?? e.message}`, (e.mark?.line ?? 0) + 1);
  }
  const out = emptyNavFile();
  const nav = (data as { nav?: unknown } | null)?.nav;
  if (!Array.isArray(nav)) return out;
  const push = (dir: string, name: string) => {
    const list = out.order.get(dir) ?? [];
    if (!list.includes(name)) list.push(name);
    out.order.set(dir, list);
  };
  /** Walks a list of entries; returns the folder of its first page (for a section's label). */
  const walk = (items: unknown[]): string | undefined => {
    let first: string | undefined;
    for (const item of items) {
      let dir: string | undefined;
      if (typeof item === 'string') dir = addPage(item);
      else if (item && typeof item === 'object') {
        for (const [label, value] of Object.entries(item as Record<string, unknown>)) {
          if (typeof value === 'string') {
            dir = addPage(value, label);
          } else if (Array.isArray(value)) {
            dir = walk(value);
            if (dir !== undefined && dir !== '' && !out.sectionTitles.has(dir)) out.sectionTitles.set(dir, label);
            if (dir !== undefined) dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
          }
        }
      }
      if (first === undefined) first = dir;
    }
    return first;
  };
  const addPage = (target: string, label?: string): string | undefined => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || !/\.(md|markdown)$/i.test(target)) return undefined; // external link
    const source = target.replace(/^\.?\//, '');
    const parts = source.split('/');
    const fileName = parts.pop()!;
    // Each folder on the way is listed in its parent, in the order first seen.
    for (let i = 0; i < parts.length; i++) push(parts.slice(0, i).join('/'), parts[i]!);
    const dir = parts.join('/');
    if (!/^(index|_index|readme)\.(md|markdown)$/i.test(fileName)) push(dir, fileName.replace(/\.(md|markdown)$/i, ''));
    if (label) out.titles.set(source, label);
    return dir;
  };
  walk(nav);
  return out;
}

/** A Docusaurus `_category_.json` / `.yml` (its text): the folder's label and position. */
export function readCategory(text: string, file: string): { label?: string; position?: number } {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : yaml.load(text);
  } catch (err) {
    throw new NavFileError(file, `${path.basename(file)} cannot be read: ${(err as Error).message}`);
  }
  const d = (data ?? {}) as { label?: unknown; position?: unknown };
  return {
    label: typeof d.label === 'string' && d.label.trim() ? d.label.trim() : undefined,
    position: typeof d.position === 'number' ? d.position : undefined,
  };
}
