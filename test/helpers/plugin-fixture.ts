/**
 * One plugin tested alone, in Metalsmith's style: `test/fixtures/<plugin>/<case>/` is a small
 * project (`src/`, optional `site.yml`, `partials/`, `layouts/`, `assets/`, `templates/`). Metalsmith
 * runs only the named stages (the plugin, after the few stages whose output it reads) on its `src/`,
 * and the files as the last stage left them are compared with `expected/`, with three more files
 * where they say something:
 *   - `_fields.json`: the page fields and metadata the plugin writes (named by the test), per file;
 *   - `_problems.txt`: every problem reported, as a person reads it;
 *   - `_failed.txt`: the error a failed run stopped with.
 * Nothing here computes an expected value: `expected/` is recorded with UPDATE_FIXTURES=1 and
 * reviewed (test/helpers/fixtures.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { pipeline, readSite, stages } from '../../build.ts';
import { createContext, type BuildContext, type BuildOptions } from '../../lib/core/context.ts';
import { formatReport } from '../../lib/core/diagnostics.ts';
import { FIXTURES, SOURCE_DATE_EPOCH, expectTreeToMatch, tempDir } from './fixtures.ts';

/** Every stage name of build.ts's pipeline, in order. */
export function stageNames(): string[] {
  return stages(createContext({ root: FIXTURES })).map(([name]) => name);
}

/** The pipeline's stages from `first` through `last`, leaving out `skip` (names as in build.ts). */
export function stagesFrom(first: string, last: string, skip: string[] = []): string[] {
  const all = stageNames();
  const a = all.indexOf(first);
  const b = all.indexOf(last);
  if (a < 0 || b < a) throw new Error(`no stages from ${first} to ${last} in ${all.join(', ')}`);
  return all.slice(a, b + 1).filter((n) => !skip.includes(n));
}

export interface PluginRun {
  /** Stage names, in pipeline order; the plugin under test last (or where it runs). */
  stages: string[];
  /** Page fields recorded in `_fields.json`, for every file that has one of them. */
  fields?: string[];
  /** Metalsmith metadata keys recorded in `_fields.json`. */
  metadata?: string[];
  /** Build options beyond root and layouts (a base path, dev, alert rules...). */
  options?: Partial<BuildOptions>;
  /** Run on a temp copy of the case, prepared by this function first (a git history, a previous release). */
  prepare?: (root: string) => void;
}

export interface PluginResult {
  ctx: BuildContext;
  files: Metalsmith.Files;
  metadata: Record<string, unknown>;
  tree: Map<string, Buffer>;
  error?: unknown;
}

/** Runs `run.stages` of the pipeline on `test/fixtures/<plugin>/<name>/src` and returns the output tree. */
export async function runPluginFixture(plugin: string, name: string, run: PluginRun): Promise<PluginResult> {
  let root = path.join(FIXTURES, plugin, name);
  if (run.prepare) {
    const copy = path.join(tempDir(`${plugin}-${name}-`), name);
    fs.cpSync(root, copy, { recursive: true, filter: (from) => path.basename(from) !== 'expected' || path.dirname(from) !== root });
    root = copy;
    run.prepare(root);
  }
  const layouts = fs.existsSync(path.join(root, 'layouts')) ? undefined : path.join(FIXTURES, '_layouts');
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = SOURCE_DATE_EPOCH;
  try {
    const ctx = createContext({ root, layouts, destination: path.join(root, 'build'), ...run.options });
    const all = stages(ctx);
    const unknown = run.stages.filter((s) => !all.some(([n]) => n === s));
    if (unknown.length) throw new Error(`unknown stage(s) ${unknown.join(', ')}`);
    const list = all.filter(([n]) => run.stages.includes(n));
    const ms = pipeline(ctx, new Map(), undefined, list);
    let files: Metalsmith.Files = {};
    let error: unknown;
    try {
      ctx.diagnostics.throwIfErrors();
      const source = readSite(ctx);
      files = source;
      files = await ms.run(source);
    } catch (err) {
      error = err;
    }
    const metadata = ms.metadata() as Record<string, unknown>;
    const tree = new Map<string, Buffer>();
    for (const key of Object.keys(files).sort()) {
      const c = files[key]!.contents;
      tree.set(key.split(path.sep).join('/'), Buffer.isBuffer(c) ? c : Buffer.from(String(c ?? '')));
    }
    const fields = recordFields(files, metadata, run);
    if (fields) tree.set('_fields.json', Buffer.from(fields));
    if (ctx.diagnostics.problems.length) tree.set('_problems.txt', Buffer.from(formatReport(ctx.diagnostics.problems) + '\n'));
    if (error) tree.set('_failed.txt', Buffer.from(`${(error as Error).message ?? String(error)}\n`));
    return { ctx, files, metadata, tree: new Map([...tree].sort(([a], [b]) => (a < b ? -1 : 1))), error };
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}

/** Compares a run's output tree with `test/fixtures/<plugin>/<name>/expected/`. */
export function expectPluginFixture(plugin: string, name: string, result: PluginResult): void {
  expectTreeToMatch(path.join(FIXTURES, plugin, name, 'expected'), result.tree, `${plugin}/${name}`);
}

/** The named fields of every file and the named metadata, as stable, readable JSON. */
function recordFields(files: Metalsmith.Files, metadata: Record<string, unknown>, run: PluginRun): string | undefined {
  if (!run.fields?.length && !run.metadata?.length) return undefined;
  const keyOf = new Map<object, string>(Object.entries(files).map(([k, f]) => [f as object, k.split(path.sep).join('/')]));
  const out: { files?: Record<string, Record<string, unknown>>; metadata?: Record<string, unknown> } = {};
  if (run.fields?.length) {
    out.files = {};
    for (const key of Object.keys(files).sort()) {
      const f = files[key] as Record<string, unknown>;
      const picked = Object.fromEntries(run.fields.filter((n) => f[n] !== undefined).map((n) => [n, f[n]]));
      if (Object.keys(picked).length) out.files[key.split(path.sep).join('/')] = picked;
    }
  }
  if (run.metadata?.length) out.metadata = Object.fromEntries(run.metadata.filter((n) => metadata[n] !== undefined).map((n) => [n, metadata[n]]));
  return JSON.stringify(out, plain(keyOf), 2) + '\n';
}

/** JSON for page objects: another file is shown by its key, Maps and Sets as objects and lists. */
function plain(keyOf: Map<object, string>) {
  return function (key: string, value: unknown): unknown {
    if (value && typeof value === 'object') {
      // A file inside a field (prev/next, a collection): its key, not its whole contents.
      if (key !== '' && keyOf.has(value)) return `<file ${keyOf.get(value)}>`;
      if (key === 'parent') return '<parent>'; // the navigation tree's back link (a cycle)
      if (value instanceof Uint8Array) return `<${value.length} bytes>`;
      const b = value as { type?: unknown; data?: unknown };
      if (b.type === 'Buffer' && Array.isArray(b.data)) return `<${b.data.length} bytes>`; // Buffer#toJSON ran first
      if (value instanceof Map) return Object.fromEntries(value);
      if (value instanceof Set) return [...value];
      if (value instanceof RegExp) return String(value);
    }
    if (typeof value === 'function') return `<function ${(value as { name?: string }).name ?? ''}>`;
    return value;
  };
}
