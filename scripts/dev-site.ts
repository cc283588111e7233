/**
 * The dev server's engine: the whole site built once and kept in memory, then kept up to date
 * edit by edit.
 *
 * Editing one page re-runs only the page-local stages (secrets, frontmatter, templates, markdown,
 * headings, permalinks, links, layout) on that page, through Metalsmith's own `run(files, plugins)`
 * with a one-file map; navigation, the link index and the collections come from the last full run
 * (kept in the Metalsmith metadata). A change that moves navigation (a page added, removed or
 * renamed; its title, order, type, owner, alerts...), a layout, an asset or site.yml rebuilds
 * everything in memory. A partial change re-renders the pages that use it.
 *
 * A full rebuild lays out no page: each is laid out the first time it is asked for (the layout was
 * the largest part of a start at 10,000 pages, and a reader opens a few pages, not all of them;
 * docs/decisions.md#dev-lazy-layout). A mistake only the layout finds shows on that page then.
 *
 * Problems are kept per file: a page with a mistake keeps serving its last good version until it
 * is fixed, and the mistakes are shown in the terminal and as an overlay in the browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { pipeline, readSite, stages } from '../build.ts';
import { createContext, type BuildContext, type BuildOptions } from '../lib/core/context.ts';
import type { Problem } from '../lib/core/diagnostics.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { escapeHtml } from '../lib/util/text.ts';
import { stage, type Timings } from '../lib/core/stage.ts';
import { staticIncludes } from '../lib/templates/handlebars-includes.ts';
import { loadPartials } from '../lib/templates/partial-sources.ts';
import { RenderCache, saveOrWarn } from '../lib/io/render-cache.ts';

/** Stages that work on any subset of pages, given the last full run's metadata. */
export const PAGE_LOCAL: readonly string[] = ['secrets', 'frontmatter', 'conventions', 'templates', 'markdown', 'headings', 'permalinks', 'links', 'layout'];

/** Front-matter fields that change what other pages show (navigation, listings, generated indexes). */
const NAV_FIELDS = ['title', 'description', 'order', 'type', 'draft', 'owner', 'severity', 'services', 'alerts', 'layout'] as const;

export interface UpdateResult {
  /** 'page' when only some pages were re-rendered, 'full' after a full rebuild. */
  kind: 'page' | 'full';
  /** On a full rebuild: pages taken from the render cache instead of rendered. */
  reused?: number;
  /** URLs whose HTML changed (every URL after a full rebuild). */
  urls: string[];
  ms: number;
}

/** Pages a full rebuild left to be laid out on request, with the run they belong to. */
interface Unlaid {
  ctx: BuildContext;
  ms: Metalsmith;
  layout: Metalsmith.Plugin;
  /** Output path -> the page, ready for its layout. */
  pages: Map<string, { key: string; page: Page }>;
}

export class DevSite {
  ctx!: BuildContext;
  private ms!: Metalsmith;
  private local: Metalsmith.Plugin[] = [];
  private partialsPlugin!: Metalsmith.Plugin;
  /** Files as read from src/, by Metalsmith key. */
  private raw = new Map<string, Metalsmith.File>();
  /** Processed pages by source path, from the last successful run of each. */
  private pages = new Map<string, { key: string; page: Page }>();
  /** What is served and laid out: output path (e.g. `queues/backlog/index.html`) -> bytes. */
  private readonly output = new Map<string, Buffer>();
  /** Pages of the last full rebuild not laid out yet (see file()). */
  private unlaid: Unlaid | undefined;
  /** Files whose bytes are still being made (the search index, on a worker): served once they come. */
  private readonly later = new Map<string, Promise<Buffer>>();
  /** Current problems, by the file they are about. */
  private problemsByFile = new Map<string, Problem[]>();
  readonly timings: Timings = new Map();

  /** `cache`: the render cache's folder (lib/io/render-cache.ts), used by full rebuilds. */
  constructor(private readonly options: BuildOptions & { cache?: string }) {}

  get problems(): Problem[] {
    return [...this.problemsByFile.values()].flat();
  }

  /** Serves a file once its bytes are made; until then a request for it waits (coming()). */
  private serveWhenMade(out: string, later: Promise<Buffer>): void {
    this.output.delete(out);
    this.later.set(out, later);
    later.then(
      (bytes) => {
        if (this.later.get(out) !== later) return; // a newer build made it again
        this.later.delete(out);
        this.output.set(out, bytes);
      },
      () => undefined, // the request waiting for it answers with the error (scripts/dev.ts)
    );
  }

  /** How many files are served. */
  get size(): number {
    return this.output.size + (this.unlaid?.pages.size ?? 0) + this.later.size;
  }

  has(out: string): boolean {
    return this.output.has(out) || !!this.unlaid?.pages.has(out) || this.later.has(out);
  }

  /** The bytes served at an output path; a page is laid out the first time it is asked for. */
  file(out: string): Buffer | undefined {
    const done = this.output.get(out);
    const held = done ? undefined : this.unlaid?.pages.get(out);
    if (!held) return done;
    const { ctx, ms, layout, pages } = this.unlaid!;
    pages.delete(out);
    const one: Metalsmith.Files = { [held.key]: held.page }; // the page itself: the layout compares pages by identity (a section page marks itself)
    let problems: readonly Problem[];
    try {
      problems = ctx.aside({ incremental: true, cache: ctx.cache }, (run) => {
        void layout(one, ms, () => {}); // the layout stage is synchronous
        return run.diagnostics.problems;
      });
    } catch (err) {
      problems = [];
      one[held.key]!.contents = Buffer.from(`<!doctype html><title>Layout failed</title><pre>${escapeHtml(String(err instanceof Error ? err.message : err))}</pre>`);
    }
    for (const [file, list] of groupProblems(problems)) this.problemsByFile.set(file, [...(this.problemsByFile.get(file) ?? []), ...list]);
    const bytes = one[held.key]!.contents;
    this.output.set(out, bytes);
    return bytes;
  }

  /** A file whose bytes are still being made, or undefined (see Page.later). */
  coming(out: string): Promise<Buffer> | undefined {
    return this.later.get(out);
  }

  /** Every served file, each page laid out and every file made (tests compare them with a build's). */
  async everything(): Promise<Map<string, Buffer>> {
    await Promise.all(this.later.values());
    for (const out of [...(this.unlaid?.pages.keys() ?? [])]) this.file(out);
    return new Map(this.output);
  }

  /** Builds everything from disk. `afterRead` runs once src/ has been read (for tests). */
  async full(afterRead?: () => void): Promise<UpdateResult> {
    const t0 = performance.now();
    const ctx = createContext({ ...this.options, dev: true });
    const list = stages(ctx);
    this.local = list.filter(([n]) => PAGE_LOCAL.includes(n)).map(([n, p]) => stage(n, p, this.timings));
    this.partialsPlugin = list.find(([n]) => n === 'partials')![1];
    const at = list.findIndex(([n]) => n === 'layout');
    const layout = list[at]![1];
    const held = new Set<string>();
    list[at] = ['layout', layoutOnRequest(layout, held)];
    const ms = pipeline(ctx, this.timings, undefined, list);
    this.ctx = ctx;
    this.ms = ms;
    const raw = readSite(ctx);
    this.raw = new Map(Object.entries(raw));
    afterRead?.();
    // Full rebuilds (start-up, a page added, a title changed...) take unchanged pages from the
    // render cache. Its entries are found by content, so they are right whatever else this run
    // found wrong: the cache is saved even when a page has a mistake. One-page updates render.
    const cache = this.options.cache ? RenderCache.open(this.options.cache) : undefined;
    ctx.startRun({ diagnostics: ctx.diagnostics, renderCache: cache });
    let files: Files;
    try {
      files = (await ms.run(cloneFiles(raw))) as Files;
    } catch (err) {
      cache?.discard();
      throw err;
    }
    if (cache) saveOrWarn(cache, ctx.diagnostics);
    this.problemsByFile = groupProblems(ctx.diagnostics.problems);
    const broken = ctx.diagnostics.broken;
    const fresh = new Map<string, { key: string; page: Page }>();
    const urls: string[] = [];
    const unlaid: Unlaid = { ctx, ms, layout, pages: new Map() };
    for (const [key, file] of Object.entries(files)) {
      const source = (file as Page).source;
      const out = key.split(path.sep).join('/');
      if (source && broken.has(source)) {
        const old = this.pages.get(source);
        if (old) fresh.set(source, old);
        this.file(out); // keep serving the last good version (laid out by the run it came from)
        continue;
      }
      if (source) fresh.set(source, { key, page: file });
      if (held.has(key)) {
        unlaid.pages.set(out, { key, page: file });
        this.output.delete(out);
      } else if (file.later) this.serveWhenMade(out, file.later);
      else this.output.set(out, file.contents);
      urls.push(urlOf(key));
    }
    // Pages that no longer exist stop being served.
    for (const [source, old] of this.pages) if (!fresh.has(source) && !broken.has(source)) this.output.delete(old.key);
    this.pages = fresh;
    this.unlaid = unlaid;
    return { kind: 'full', urls, ms: performance.now() - t0, reused: cache?.hits ?? 0 };
  }

  /**
   * A file under src/ changed, was added or was removed. With `pageOnly`, a change that needs the
   * whole site rebuilt is not applied and gives undefined (the caller batches it with what follows).
   */
  async sourceChanged(absPath: string): Promise<UpdateResult>;
  async sourceChanged(absPath: string, pageOnly: true): Promise<UpdateResult | undefined>;
  async sourceChanged(absPath: string, pageOnly = false): Promise<UpdateResult | undefined> {
    const key = path.relative(this.ctx.source, absPath);
    const exists = fs.existsSync(absPath);
    if (!exists || !this.raw.has(key) || !isMarkdown(key)) return pageOnly ? undefined : this.full();
    const t0 = performance.now();
    const before = this.raw.get(key)!;
    const file = (await this.ms.readFile(key)) as Metalsmith.File;
    this.raw.set(key, file);
    const result = await this.runLocal([key]);
    if (!result) {
      if (!pageOnly) return this.full();
      this.raw.set(key, before); // not applied: the batch that takes it up reads it again
      return undefined;
    }
    return { ...result, ms: performance.now() - t0 };
  }

  /** A partial changed: re-register partials, re-render the pages that use it (directly or not). */
  async partialChanged(absPath: string): Promise<UpdateResult> {
    const t0 = performance.now();
    const name = path.relative(this.ctx.partialsDir, absPath).split(path.sep).join('/').replace(/\.[^.]+$/, '');
    // A new run reads the partials from disk again.
    const before = this.ctx.startRun().diagnostics;
    await this.ms.run({}, [this.partialsPlugin]);
    // Which partials include the changed one, transitively; then the pages that include any of them.
    const graph = new Map(loadPartials(this.ctx).map((p) => [p.name, staticIncludes(safeParse(this.ctx, p.text)).map((i) => i.name)]));
    const users = new Set([name]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [p, incs] of graph) if (!users.has(p) && incs.some((i) => users.has(i))) (users.add(p), (grew = true));
    }
    const keys = [...this.raw.keys()].filter((k) => {
      const text = this.raw.get(k)!.contents.toString('utf8');
      return [...users].some((u) => new RegExp(`\\{\\{#?>\\s*${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s}]`).test(text));
    });
    const partialProblems = before.problems;
    const result = (await this.runLocal(keys, partialProblems)) ?? (await this.full());
    return { ...result, ms: performance.now() - t0 };
  }

  /**
   * Re-runs the page-local stages on some source files. Returns undefined when the change moved
   * navigation (the caller then rebuilds everything).
   */
  private async runLocal(keys: string[], extraProblems: readonly Problem[] = []): Promise<Omit<UpdateResult, 'ms'> | undefined> {
    const ctx = this.ctx;
    // The partials read by the run before stay (they are read again only when one changes).
    const { diagnostics } = ctx.startRun({ incremental: true, cache: ctx.cache });
    for (const p of extraProblems) diagnostics.reportFile(p.file, { code: p.code, line: p.line, column: p.column, message: p.message, hint: p.hint, severity: p.severity });
    const subset: Metalsmith.Files = {};
    for (const key of keys) {
      const source = key.split(path.sep).join('/');
      const old = this.pages.get(source)?.page;
      // Navigation from the last full run: sections do not re-run for one page.
      subset[key] = { ...this.raw.get(key)!, ...(old ? { prev: old.prev, next: old.next, collection: old.collection, updated: old.updated } : {}) };
    }
    const files = (await this.ms.run(subset, this.local)) as Files;
    const touched = new Set(keys.map((k) => k.split(path.sep).join('/')));
    for (const f of touched) this.problemsByFile.delete(diagnostics.displayPath(f));
    for (const p of extraProblems) this.problemsByFile.delete(p.file);
    for (const [file, list] of groupProblems(diagnostics.problems)) this.problemsByFile.set(file, list);

    const urls: string[] = [];
    for (const [key, page] of Object.entries(files)) {
      if (!page.source || diagnostics.broken.has(page.source)) continue;
      const old = this.pages.get(page.source);
      // A page with no good version yet (broken since it was added) is new to the navigation.
      if (!old || NAV_FIELDS.some((f) => JSON.stringify(old.page[f]) !== JSON.stringify(page[f]))) return undefined;
      this.pages.set(page.source, { key, page });
      this.output.set(key.split(path.sep).join('/'), page.contents);
      this.unlaid?.pages.delete(key.split(path.sep).join('/'));
      urls.push(urlOf(key));
    }
    return { kind: 'page', urls };
  }
}

function safeParse(ctx: BuildContext, text: string): hbs.AST.Program {
  try {
    return ctx.hbs.parse(ctx.shield.shield(text));
  } catch {
    return ctx.hbs.parse(''); // a partial that does not parse includes nothing (its error is reported by the partials stage)
  }
}

/**
 * The layout stage of a full rebuild: lays out no page, only what the stage adds itself (the 404
 * page), and notes the pages' keys in `held` for DevSite.file() to lay out on request.
 */
function layoutOnRequest(layout: Metalsmith.Plugin, held: Set<string>): Metalsmith.Plugin {
  return function layoutOnRequest(files, metalsmith) {
    for (const key of Object.keys(files)) if (key.endsWith('.html')) held.add(key);
    const added: Metalsmith.Files = {};
    void layout(added, metalsmith, () => {}); // synchronous; given no page, it adds the 404 page
    Object.assign(files, added);
  };
}

function cloneFiles(files: Metalsmith.Files): Metalsmith.Files {
  const out: Metalsmith.Files = {};
  for (const [k, f] of Object.entries(files)) out[k] = { ...f };
  return out;
}

function groupProblems(list: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of list) out.set(p.file, [...(out.get(p.file) ?? []), p]);
  return out;
}

/** `queues/backlog/index.html` -> `/queues/backlog/`. */
export function urlOf(key: string): string {
  const k = key.split(path.sep).join('/');
  return `/${k.replace(/(^|\/)index\.html$/, '$1')}`;
}
