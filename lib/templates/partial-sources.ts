/** The project's partials as text: read once per build, shared by the stages that need them. */
import fs from 'node:fs';
import path from 'node:path';
import { normalizeNewlines } from '../util/text.ts';
import { walk } from '../io/walk.ts';

export interface PartialSource {
  name: string;
  /** Absolute path; messages show it relative to the project root. */
  file: string;
  text: string;
}

/** File types read as partials. */
export const PARTIAL_EXTENSIONS: readonly string[] = ['.md', '.hbs', '.html'];

/** The project's partials, read once per build (kept in the build's cache) and shared by the stages that need them. */
export function loadPartials(ctx: { partialsDir: string; cache: { partials?: readonly PartialSource[] } }): readonly PartialSource[] {
  return (ctx.cache.partials ??= readPartials(ctx.partialsDir));
}

export function readPartials(directory: string): PartialSource[] {
  return walk(directory)
    .filter(({ entry }) => entry.isFile() && PARTIAL_EXTENSIONS.includes(path.extname(entry.name)))
    .map(({ full, rel }) => ({ name: rel.slice(0, -path.extname(rel).length), file: full, text: normalizeNewlines(fs.readFileSync(full, 'utf8')) }));
}
