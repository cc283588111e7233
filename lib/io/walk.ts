/** Folder walking shared by the stages that read folders themselves (partials, assets, the source read). */
import fs from 'node:fs';
import path from 'node:path';

export interface Entry {
  /** Absolute path. */
  full: string;
  /** Path relative to the folder walked, with `/`. */
  rel: string;
  entry: fs.Dirent;
}

/**
 * Every file, symbolic link and other non-folder entry under `dir`, depth first, names sorted so
 * the order is the same on every machine. Folders are entered; links to folders are not followed.
 * A missing folder yields nothing.
 */
export function walk(dir: string): Entry[] {
  const out: Entry[] = [];
  const visit = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else out.push({ full, rel: path.relative(dir, full).split(path.sep).join('/'), entry: e });
    }
  };
  visit(dir);
  return out;
}
