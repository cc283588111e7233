/**
 * Looks at the source tree before Metalsmith reads it: Metalsmith follows every symbolic link,
 * so a link to /etc or to a folder above the repository would be read into the site. Links to
 * files inside the project are fine; links that leave the project, links to folders (which can
 * loop) and broken links are reported and not read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostics } from './diagnostics.ts';
import { walk } from './walk.ts';

/**
 * Returns the paths (relative to the source folder, as glob patterns with special characters
 * escaped) that Metalsmith must not read. Patterns, not an ignore function: Metalsmith stats a file
 * before calling ignore functions, and a dangling link fails that stat.
 */
export function scanSource(sourceDir: string, projectRoot: string, diagnostics: Diagnostics): Set<string> {
  const refused = new Set<string>();
  const root = safeRealpath(projectRoot) ?? projectRoot;
  for (const { full, rel, entry } of walk(sourceDir)) {
    if (!entry.isSymbolicLink()) continue;
    const real = safeRealpath(full);
    const report = (message: string, hint: string) => {
      refused.add(rel.replace(/[\\*?!()[\]{}+@]/g, '\\$&'));
      diagnostics.report(rel, { code: 'file/symlink', message, hint });
    };
    if (!real) {
      report('this is a link to a file that does not exist', 'Delete the link, or point it at an existing file.');
    } else if (real !== root && !real.startsWith(root + path.sep)) {
      report(`this is a link to ${real}, outside the repository; the build does not read files from outside`, 'Copy the file into src/ instead of linking to it.');
    } else if (fs.statSync(real).isDirectory()) {
      report('this is a link to a folder; the build does not follow links to folders (they can loop)', 'Move or copy the folder into place instead of linking to it.');
    }
  }
  return refused;
}

function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}
