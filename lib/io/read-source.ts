/**
 * Reads the source tree into Metalsmith's files object, in place of Metalsmith's own read: the same
 * keys (paths relative to the source folder), in the same order (sorted by path), each file with
 * `contents`, `mode` and `stats`. The pipeline then runs on it with `metalsmith.run(files)`.
 *
 * Why not `metalsmith.read()`: a build reads each file once, so synchronous reads in one walk are
 * simpler and cost a quarter of its time (docs/decisions.md#read-source).
 *
 * It also looks at links before reading: Metalsmith follows every symbolic link, so a link to /etc
 * or to a folder above the repository would be read into the site. Links to files inside the
 * project are fine; links that leave the project, links to folders (which can loop) and broken
 * links are reported and not read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import type { Diagnostics } from '../core/diagnostics.ts';
import { walk } from './walk.ts';

export function readSource(sourceDir: string, projectRoot: string, diagnostics: Diagnostics): Metalsmith.Files {
  const root = safeRealpath(projectRoot) ?? projectRoot;
  const found: [key: string, rel: string, full: string][] = [];
  for (const { full, rel, entry } of walk(sourceDir)) {
    if (entry.isSymbolicLink()) {
      const real = safeRealpath(full);
      const refuse = (message: string, hint: string) => diagnostics.report(rel, { code: 'file/symlink', message, hint });
      if (!real) {
        refuse('this is a link to a file that does not exist', 'Delete the link, or point it at an existing file.');
        continue;
      }
      if (real !== root && !real.startsWith(root + path.sep)) {
        refuse(`this is a link to ${real}, outside the repository; the build does not read files from outside`, 'Copy the file into src/ instead of linking to it.');
        continue;
      }
      if (fs.statSync(real).isDirectory()) {
        refuse('this is a link to a folder; the build does not follow links to folders (they can loop)', 'Move or copy the folder into place instead of linking to it.');
        continue;
      }
    } else if (!entry.isFile()) {
      continue; // sockets, pipes, devices: not content (reading a pipe would wait forever)
    }
    found.push([rel.split('/').join(path.sep), rel, full]);
  }
  // Metalsmith's order: sorted by the whole relative path.
  found.sort((a, b) => (a[0] > b[0] ? 1 : -1));
  const files: Metalsmith.Files = {};
  for (const [key, rel, full] of found) {
    try {
      const stats = fs.statSync(full);
      files[key] = { contents: fs.readFileSync(full), mode: (stats.mode & 0o7777).toString(8).padStart(4, '0'), stats };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      diagnostics.report(rel, {
        code: 'file/unreadable',
        message: `this file could not be read (${code === 'EACCES' ? 'permission denied' : (code ?? (err as Error).message)})`,
        hint: 'Check that the file exists and that the user running the build may read it.',
        cause: err,
      });
    }
  }
  return files;
}

function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}
