/**
 * Runbook Smith: turns a tree of Markdown runbooks into a static site.
 *
 *   npm run build [-- --source src --destination build]
 *   npm run check [-- --strict]          validate everything, write no site (only the render cache)
 *   npm run build -- --base-path /previews/pr-12/   publish under another path than site.yml's `url`
 *
 * The pipeline, one line a stage, in the order of Segment's docs build (partials -> collections ->
 * in-place -> markdown -> headings -> permalinks -> layout), with checks before and after.
 */
import Metalsmith from 'metalsmith';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adoptionSummary } from './lib/reports/adoption-summary.ts';
import { normaliseBase } from './lib/urls/base.ts';
import { createContext, type BuildContext, type BuildOptions } from './lib/core/context.ts';
import { listLayouts } from './lib/templates/layouts.ts';
import { replacedSources } from './lib/io/overwrites.ts';
import { BuildFailed, formatReport, printable, type Problem } from './lib/core/diagnostics.ts';
import { isMarkdown, type Files } from './lib/core/page.ts';
import { cacheDirFor, cacheWanted, RenderCache, reusedText, saveOrWarn } from './lib/io/render-cache.ts';
import { readSource } from './lib/io/read-source.ts';
import { stage, type Timings } from './lib/core/stage.ts';
import { ReleaseWriter, WriteError } from './lib/io/write.ts';
import alertRules from './plugins/alert-rules.ts';
import alertsJson from './plugins/alerts-json.ts';
import assets from './plugins/assets.ts';
import conventions from './plugins/conventions.ts';
import frontmatter from './plugins/frontmatter.ts';
import gitDates from './plugins/git-dates.ts';
import headings from './plugins/headings.ts';
import callout from './plugins/helpers/callout.ts';
import envCommand from './plugins/helpers/env-command.ts';
import env from './plugins/helpers/env.ts';
import layout from './plugins/layout.ts';
import links from './plugins/links.ts';
import markdown from './plugins/markdown.ts';
import offline from './plugins/offline.ts';
import partials from './plugins/partials.ts';
import redirects from './plugins/redirects.ts';
import permalinks from './plugins/permalinks.ts';
import runbooks from './plugins/runbooks.ts';
import secrets from './plugins/secrets.ts';
import search from './plugins/search.ts';
import sections from './plugins/sections.ts';
import sitemap from './plugins/sitemap.ts';
import templates from './plugins/templates.ts';
import urlHistory from './plugins/url-history.ts';
import { RunbookSmithError } from './lib/core/errors.ts';

export const helpers = [envCommand, callout, env] as const;

/** The stages, in order, one line a stage (README "The pipeline"). */
export function stages(ctx: BuildContext): [name: string, plugin: Metalsmith.Plugin][] {
  return [
    ['secrets', secrets(ctx)],
    ['frontmatter', frontmatter(ctx, { layouts: listLayouts(ctx.layoutsDir) })],
    ['conventions', conventions(ctx)],
    ['runbooks', runbooks(ctx)],
    ['partials', partials(ctx)],
    ['sections', sections(ctx)],
    ['templates', templates(ctx, { helpers })],
    ['markdown', markdown(ctx)],
    ['headings', headings(ctx)],
    ['permalinks', permalinks(ctx)],
    ['alerts-json', alertsJson(ctx)],
    ['links', links(ctx)],
    ['assets', assets(ctx)],
    ['git-dates', gitDates(ctx)],
    ['search', search(ctx)],
    ['sitemap', sitemap(ctx)],
    ['layout', layout(ctx)],
    ['redirects', redirects(ctx)],
    ['url-history', urlHistory(ctx)],
    ['alert-rules', alertRules(ctx)],
    ['offline', offline(ctx)],
  ];
}

/**
 * The Metalsmith instance for one build: every stage, timed and named, to run on the files
 * readSite() read. `list` lets a caller that also runs some stages on their own (the dev server)
 * share the instances.
 */
export function pipeline(
  ctx: BuildContext,
  timings: Timings,
  onStage?: (name: string, index: number, total: number) => void,
  list: [name: string, plugin: Metalsmith.Plugin][] = stages(ctx),
): Metalsmith {
  const ms = Metalsmith(ctx.root)
    .source(ctx.source)
    .destination(ctx.destination)
    .frontmatter(false) // parsed by our frontmatter stage, with line numbers
    .metadata({ site: ctx.site, base: ctx.base });
  list.forEach(([name, plugin], i) => ms.use(stage(name, plugin, timings, () => onStage?.(name, i, list.length))));
  return ms;
}

/** The source tree as Metalsmith files (lib/io/read-source.ts, faster than Metalsmith's own read: docs/decisions.md#read-source). */
export function readSite(ctx: BuildContext): Metalsmith.Files {
  return readSource(ctx.source, ctx.root, ctx.diagnostics);
}

export interface BuildResult {
  ctx: BuildContext;
  /**
   * The built files with their metadata. When the build writes the site, each page's HTML is
   * released once it is on disk (its `contents` is then empty), to keep memory flat on large
   * sites; build with `write: false` to keep every file's contents.
   */
  files: Metalsmith.Files;
  problems: readonly Problem[];
  timings: Timings;
  pages: number;
  releaseDir?: string;
}

/**
 * Builds the site. Resolves with the result; rejects with BuildFailed (carrying every problem)
 * when anything is wrong, in which case nothing was written.
 */
export async function build(
  options: BuildOptions & {
    write?: boolean;
    /** Folder of the render cache (lib/io/render-cache.ts); without it every page is rendered. */
    cache?: string;
    onStage?: (name: string, index: number, total: number) => void;
  },
): Promise<BuildResult> {
  const timings: Timings = new Map();
  const ctx = createContext(options);
  ctx.diagnostics.throwIfErrors(); // site.yml must be right before anything else runs
  // The build's one run keeps the problems site.yml may have warned about.
  if (options.cache) ctx.startRun({ diagnostics: ctx.diagnostics, renderCache: RenderCache.open(options.cache) });
  const ms = pipeline(ctx, timings, options.onStage);
  if (options.write !== false) ctx.writer = new ReleaseWriter(ctx.destination);
  const started = performance.now();
  let files: Metalsmith.Files;
  try {
    timings.set('start-up', performance.now()); // from the process's start to the first page read (bench)
    const source = readSite(ctx);
    // Static files as read (Markdown pages change keys as they render): none may be replaced by the build's own output.
    const statics = Object.fromEntries(Object.entries(source).filter(([key]) => !isMarkdown(key)));
    files = await ms.run(source);
    timings.set('read+plugins', performance.now() - started);
    for (const key of replacedSources(statics, files)) {
      const name = key.split(path.sep).join('/');
      ctx.diagnostics.report(name, {
        code: 'file/overwritten',
        line: 1,
        column: 1,
        message: `the build writes its own ${name} at this address, which would replace this file`,
        hint: 'Rename or move the file (its address is its path under src/), or delete it if the generated one is what you want.',
      });
    }
    ctx.diagnostics.throwIfErrors();
  } catch (err) {
    if (err instanceof BuildFailed) err.summary = ctx.alertLinks.summary;
    await ctx.writer?.abort(); // nothing of a failed build is ever published
    ctx.renderCache?.discard();
    throw err;
  }
  // Pages only: redirect pages (plugins/redirects.ts) have no URL of their own.
  const pages = Object.keys(files).filter((f) => f.endsWith('.html') && f !== '404.html' && (files[f] as { url?: string }).url).length;
  const result: BuildResult = { ctx, files, problems: ctx.diagnostics.problems, timings, pages };
  if (ctx.writer) {
    const t0 = performance.now();
    const manifest = { generator: 'runbook-smith', passed: true, pages, files: Object.keys(files).length, checks: ['frontmatter', 'templates', 'links', 'secrets'] };
    try {
      result.releaseDir = (await ctx.writer.finish(files, manifest)).releaseDir;
    } catch (err) {
      await ctx.writer.abort(); // a write that fails (a full disk) leaves nothing behind either
      ctx.renderCache?.discard();
      throw err;
    }
    timings.set('write', performance.now() - t0);
  }
  // Only a build without errors updates the cache (a failed one never gets here, and writes nothing).
  if (ctx.renderCache) {
    const t0 = performance.now();
    saveOrWarn(ctx.renderCache, ctx.diagnostics);
    result.problems = ctx.diagnostics.problems;
    timings.set('cache', performance.now() - t0);
  }
  return result;
}

/** Runbooks whose review is overdue at the build date, most overdue first. */
export function overdueRunbooks(result: BuildResult): { file: string; owner: string; days: number; due: string }[] {
  return Object.values(result.files as Files)
    .filter((p) => p.type === 'runbook' && p.reviewOverdue)
    .map((p) => ({ file: result.ctx.diagnostics.displayPath(p.source), owner: p.owner ?? '?', days: p.reviewOverdue!.days, due: p.reviewOverdue!.since }))
    .sort((a, b) => b.days - a.days || (a.file < b.file ? -1 : 1));
}

interface Cli {
  source?: string;
  destination?: string;
  url?: string;
  base?: string;
  previous?: string;
  alertRules?: string[];
  check: boolean;
  strict: boolean;
  cache: boolean;
}

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { check: false, strict: false, cache: cacheWanted(argv) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (what = 'a folder name') => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs ${what} after it`);
      return v;
    };
    if (a === '--source') cli.source = value();
    else if (a === '--destination') cli.destination = value();
    else if (a === '--base-path') {
      const r = normaliseBase(value('a path, like /previews/pr-12/,'));
      if ('error' in r) throw new UsageError(`--base-path: ${r.error}`);
      cli.base = r.base;
    } else if (a === '--url') {
      const v = value('the site\'s public URL, like https://example-org.github.io/infra-runbooks/,');
      if (!/^https?:\/\/[^/]/i.test(v) || !URL.canParse(v)) throw new UsageError(`--url: "${v}" is not a web address (it starts with https:// or http://)`);
      const r = normaliseBase(new URL(v).pathname);
      if ('error' in r) throw new UsageError(`--url: ${r.error}`);
      cli.url = v;
    }
    else if (a === '--previous') cli.previous = value('a folder or the URL of a published site');
    else if (a === '--alert-rules') (cli.alertRules ??= []).push(value('a file or pattern of alert rule files'));
    else if (a === '--check') cli.check = true;
    else if (a === '--strict') cli.strict = true;
    else if (a === '--no-cache') cli.cache = false;
    else throw new UsageError(`unknown option ${a}`);
  }
  return cli;
}

class UsageError extends RunbookSmithError {}

/** The command line: `npm run build` / `npm run check` (through scripts/run.mjs). Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let cli: Cli;
  try {
    cli = parseArgs(argv);
  } catch (err) {
    console.error(`runbook-smith: ${(err as Error).message}\nUsage: npm run build -- [--source src] [--destination build] [--base-path /path/] [--url https://host/path/] [--previous <dir or URL>] [--alert-rules <glob>] [--check] [--strict] [--no-cache]`);
    return 2;
  }
  const started = performance.now();
  const annotations = process.env.GITHUB_ACTIONS === 'true';
  // Progress on a terminal only: CI logs get the summary line, not a stream of carriage returns.
  const tty = process.stderr.isTTY && !process.env.CI;
  const onStage = tty ? (name: string, i: number, n: number) => process.stderr.write(`\r\x1b[K  ${name} (${i + 1}/${n})`) : undefined;
  const clear = () => tty && process.stderr.write('\r\x1b[K');
  try {
    const cache = cli.cache ? cacheDirFor(process.cwd()) : undefined;
    const result = await build({ root: process.cwd(), source: cli.source, destination: cli.destination, url: cli.url, base: cli.base, previous: cli.previous, alertRules: cli.alertRules, strict: cli.strict, write: !cli.check, cache, onStage });
    clear();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (result.problems.length) console.error(formatReport(result.problems, { annotations }));
    const overdue = overdueRunbooks(result);
    if (overdue.length && (cli.check || cli.strict)) {
      console.log(`Runbooks due for review (${overdue.length}):`);
      for (const o of overdue) console.log(`  ${printable(o.file)}  owner ${printable(o.owner)}, ${o.days} days overdue (due ${o.due})`);
    }
    if (cli.strict && overdue.length) {
      console.error(`Strict check failed: ${overdue.length} runbook${overdue.length === 1 ? ' is' : 's are'} overdue for review. Review each, then update its last_reviewed date.`);
      return 1;
    }
    // A tree brought from elsewhere (`--source`): what was understood of it, before the usual line.
    if (cli.check && cli.source) console.log(adoptionSummary(result.ctx, Object.values(result.files as Files)));
    if (result.ctx.alertLinks.summary) console.log(result.ctx.alertLinks.summary);
    const verb = cli.check ? 'Checked' : 'Built';
    const where = cli.check ? '' : ` -> ${path.relative(process.cwd(), result.ctx.destination) || '.'}`;
    const cached = reusedText(result.ctx.renderCache?.hits ?? 0);
    const warnings = `${result.problems.length} ${result.problems.length === 1 ? 'warning' : 'warnings'}`;
    console.log(`${verb} ${result.pages} pages, ${warnings}, in ${seconds} s${cached}${where}`);
    return 0;
  } catch (err) {
    clear();
    if (err instanceof WriteError) {
      console.error(`Build failed: ${err.message}. Nothing was published; the previous site is unchanged.`);
      return 1;
    }
    if (err instanceof BuildFailed) {
      console.error(formatReport(err.problems, { annotations }));
      if (err.summary) console.error(err.summary);
      console.error(cli.check ? 'Check failed.' : 'Build failed: nothing was published; the previous site is unchanged.');
      return 1;
    }
    console.error(`runbook-smith: the build stopped on an unexpected error. Nothing was published.`);
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    let cause = (err as { cause?: unknown }).cause;
    while (cause) {
      console.error(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = (cause as { cause?: unknown }).cause;
    }
    return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
