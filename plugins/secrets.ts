/**
 * Secrets stage (first, on the raw files): content that looks like a live credential fails the
 * build with its file, line and column, and the message never prints the secret in full. Runbooks
 * are full of commands, and a pasted command is how a key ends up on an internal site and in git.
 *
 * Scans every byte that is published or feeds a page: the files of src/ (pages, images, anything),
 * site.yml (it reaches pages through helpers), layouts, partials, templates/ (inside the New runbook
 * link), assets and an mkdocs.yml above src/ (navigation labels), in any encoding and at any size (lib/secrets/scan.ts), and the names of all
 * those files and their folders (they become URLs). The rules: lib/secrets/scan.ts.
 * Reads: every source file's bytes and name, ctx.renderCache. Writes: problems only (and, in the render
 * cache, which pages' bytes were found clean).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import { ALLOW_MARKER, chunksOf, findSecrets, findSecretsInMany, isPlainUtf8, scanBytes, WINDOW, type SecretFinding } from '../lib/secrets/scan.ts';
import { findMkdocsYml } from '../lib/nav/nav-files.ts';
import { walk } from '../lib/io/walk.ts';

export { ALLOW_MARKER };

const HINT = `Remove it and use a placeholder (e.g. AKIAIOSFODNN7EXAMPLE, $DD_API_KEY, <password>). If it was ever real, rotate it now: it is in git history. For a reviewed false alarm, add "${ALLOW_MARKER}" in a comment on that line.`;
const NAME_HINT = 'Rename the file or folder: its name becomes part of the page address. If the value was ever real, rotate it now: it is in git history.';

export interface SecretsOptions {
  /** Files and folders outside src/ whose bytes reach the site; default: site.yml, layouts, partials, templates/, assets, mkdocs.yml above src/. */
  places?: string[];
}

export default function secrets(ctx: BuildContext, options: SecretsOptions = {}): Metalsmith.Plugin {
  // An mkdocs.yml above src/ gives the navigation its labels (lib/nav/nav-files.ts); one inside is in `files`.
  const mkdocs = findMkdocsYml(ctx.source);
  const outside = mkdocs && !mkdocs.startsWith(ctx.source + path.sep) ? [mkdocs] : [];
  const places = options.places ?? [path.join(ctx.root, 'site.yml'), ctx.layoutsDir, ctx.partialsDir, path.join(ctx.root, 'templates'), ctx.assetsDir, ...outside];
  return async function secrets(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:secrets');
    const reportAt = (shown: string, f: SecretFinding) =>
      ctx.diagnostics.reportFile(shown, { code: f.code, line: f.line, column: f.column, message: `this looks like ${f.name}: ${f.redacted}`, hint: HINT });
    const names: string[] = [];
    const sourceOf = new Map<string, string>(); // shown path -> key in files, for pages
    let scanned = 0;

    const reportPage = (name: string, f: SecretFinding) =>
      ctx.diagnostics.report(name, { code: f.code, line: f.line, column: f.column, message: `this looks like ${f.name}: ${f.redacted}`, hint: HINT });
    // Small UTF-8 files (the pages) are scanned together; the rest one by one, as bytes. With the
    // render cache, a page whose exact bytes this code found clean before is not scanned again.
    const cache = ctx.renderCache;
    const small: [name: string, text: string, cacheKey: string | undefined][] = [];
    for (const [name, file] of Object.entries(files)) {
      const shown = ctx.diagnostics.displayPath(name);
      names.push(shown);
      sourceOf.set(shown, name);
      const buf = file.contents as Buffer;
      if (buf.length < WINDOW && isPlainUtf8(buf)) {
        const cacheKey = cache?.secretsKey(buf);
        if (cacheKey !== undefined && cache!.secretFree(cacheKey)) continue;
        scanned++;
        small.push([name, buf.toString('utf8'), cacheKey]);
      } else {
        scanned++;
        for (const f of await scanBytes(chunksOf(buf))) reportPage(name, f);
      }
    }
    const results = await findSecretsInMany(small.map(([, text]) => text));
    small.forEach(([name, , cacheKey], i) => {
      results[i]!.forEach((f) => reportPage(name, f));
      if (cacheKey !== undefined && !results[i]!.length) cache!.markSecretFree(cacheKey);
    });

    // The dev server re-runs this stage on the pages being edited: the rest was scanned at start.
    if (!ctx.incremental) {
      for (const place of places) {
        for (const { full } of filesOf(place)) {
          const shown = path.relative(ctx.root, full).split(path.sep).join('/');
          names.push(shown);
          scanned++;
          for (const f of await scanBytes(fs.createReadStream(full, { highWaterMark: WINDOW }))) reportAt(shown, f);
        }
      }
    }

    // All names in one text, one a line: one scan instead of one per file. The path shown has the
    // secret redacted too: a log must not print it, even as a file name.
    const nameFindings = await findSecrets(names.join('\n'));
    for (const f of nameFindings) {
      const shown = names[f.line - 1]!;
      const redactedPath = `${shown.slice(0, f.column - 1)}${f.redacted.replace(/ \(.*/, '')}${shown.slice(f.column - 1 + f.length)}`;
      ctx.diagnostics.reportFile(redactedPath, {
        code: f.code,
        line: 1,
        column: 1,
        message: `the name of this file or of a folder above it looks like ${f.name}: ${f.redacted}`,
        hint: NAME_HINT,
      });
      const source = sourceOf.get(shown);
      if (source !== undefined) ctx.diagnostics.broken.add(source);
    }
    debug('scanned %d files (%d pages known clean skipped) and their names', scanned, names.length - scanned);
  };
}

/** The regular files of a place: the file itself, or every file under the folder (none if missing). */
function filesOf(place: string): { full: string }[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(place);
  } catch {
    return [];
  }
  if (stat.isFile()) return [{ full: place }];
  return walk(place).filter(({ entry }) => entry.isFile());
}
