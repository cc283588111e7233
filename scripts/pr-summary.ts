/**
 * What a pull request changes on the site, for the people reviewing it (issue 18):
 *
 *   npm run pr-summary -- --base <commit> [--head HEAD] [--preview-url https://host/previews/pr-7/]
 *                         [--out comment.md]
 *
 * Run in a checkout of the head. It reads `git diff <base>...<head>` (what the pull request shows),
 * checks the head as `npm run check` does (under the preview's base path, so page links are the
 * preview's), and writes the Markdown of the pull-request comment (lib/reports/pr-summary.ts) to --out or
 * stdout. In GitHub Actions it also appends the summary to $GITHUB_STEP_SUMMARY and writes
 * `passed=true|false` to $GITHUB_OUTPUT. The exit code is 0 whether or not the head passed its
 * checks (the check job fails the run); 1 only when it cannot run (bad options, git failing).
 * Why it checks the head itself, and how moved pages are judged: docs/decisions.md, "PR summary".
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Handlebars from 'handlebars';
import { build, overdueRunbooks, type BuildResult } from '../build.ts';
import { baseOfUrl, normaliseBase } from '../lib/urls/base.ts';
import { BuildFailed, type Problem } from '../lib/core/diagnostics.ts';
import { parseNameStatus, type FileChange } from '../lib/reports/git-diff.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { partialClosure, renderComment, renderSummary, type MovedPage, type PageRef, type PrSummary } from '../lib/reports/pr-summary.ts';
import { CodeShield } from '../lib/markdown/shield.ts';
import { urlFromPermalink } from '../lib/util/text.ts';
import { walk } from '../lib/io/walk.ts';
import { staticIncludes } from '../lib/templates/handlebars-includes.ts';
import { PARTIAL_EXTENSIONS, readPartials } from '../lib/templates/partial-sources.ts';
import { targetPermalink } from '../plugins/permalinks.ts';
import { URL_LIST_FILE, type UrlList } from '../lib/urls/history.ts';
import { RunbookSmithError } from '../lib/core/errors.ts';

export interface SummaryOptions {
  /** Project root, in a git checkout of the head. */
  root: string;
  base: string;
  head?: string;
  /** Public URL of the preview's home page; its path is the base path the head is checked under. */
  previewUrl?: string;
  /** Base path when there is no preview URL (default: the site's own). */
  basePath?: string;
  /** "Today" for review dates (tests); default as the build's. */
  now?: Date;
}

/** Gathers the summary of `base...head` for the project at `root`. */
export async function summarize(options: SummaryOptions): Promise<PrSummary> {
  const root = path.resolve(options.root);
  const head = options.head ?? 'HEAD';
  const changes = parseNameStatus(git(root, ['diff', '--name-status', '-z', '-M', `${options.base}...${head}`]));
  const repoTop = git(root, ['rev-parse', '--show-toplevel']).trim();
  // Diff paths are relative to the repository; the project may sit in a folder of it.
  const rel = (p: string) => path.relative(root, path.join(repoTop, p)).split(path.sep).join('/');

  const base = options.basePath ?? (options.previewUrl ? baseOfUrl(options.previewUrl) : undefined);
  let result: BuildResult | undefined;
  let problems: readonly Problem[];
  try {
    result = await build({ root, write: false, base, now: options.now });
    problems = result.problems;
  } catch (err) {
    if (!(err instanceof BuildFailed)) throw err;
    problems = err.problems;
  }

  const pages = new Map<string, Page>(); // by source path (relative to src/)
  let urls: UrlList | undefined;
  if (result) {
    for (const [key, file] of Object.entries(result.files as Files)) {
      if (file.source && file.url && key.endsWith('.html')) pages.set(file.source, file);
    }
    const list = result.files[URL_LIST_FILE]?.contents;
    if (list) urls = JSON.parse(list.toString('utf8')) as UrlList;
  }
  const srcRel = path.relative(root, result?.ctx.source ?? path.join(root, 'src')).split(path.sep).join('/');
  const inSource = (p: string) => (p.startsWith(`${srcRel}/`) && isMarkdown(p) ? p.slice(srcRel.length + 1) : undefined);
  const ref = (source: string): PageRef => {
    const page = pages.get(source);
    const file = `${srcRel}/${source}`;
    if (page) return { file, title: page.title, url: page.url };
    const broken = problems.some((p) => p.file === file && p.severity === 'error');
    return { file, note: broken ? 'not built: it has an error, see Problems' : result ? 'not published (a draft)' : undefined };
  };

  const summary: PrSummary = { previewUrl: options.previewUrl, passed: !!result, head: shortSha(root, head), added: [], changed: [], viaPartials: [], moved: [], siteWide: [], problems: problems.map(problemText), overdue: result ? overdueRunbooks(result) : undefined };
  const touched = new Set<string>();
  const changedPartials = new Set<string>();
  for (const change of changes.map((c) => relChange(c, rel))) {
    const now = inSource(change.path);
    const before = change.status === 'renamed' ? inSource(change.from) : change.status === 'deleted' ? now : undefined;
    if (change.status === 'renamed' && before && now) {
      summary.moved.push(moved(before, srcRel, urls, ref, ref(now)));
      touched.add(now);
    } else if (before && (change.status === 'deleted' || change.status === 'renamed')) summary.moved.push(moved(before, srcRel, urls, ref));
    else if (now && change.status !== 'deleted') {
      (change.status === 'modified' ? summary.changed : summary.added).push(ref(now));
      touched.add(now);
    }
    for (const p of change.status === 'renamed' ? [change.from, change.path] : [change.path]) {
      const partial = partialName(p);
      if (partial) changedPartials.add(partial);
      else if (/^(layouts|assets)\//.test(p) || p === 'site.yml') summary.siteWide.push(p);
    }
  }

  if (changedPartials.size) {
    const partialsDir = path.join(root, 'partials');
    const hbs = Handlebars.create();
    const includesOf = (text: string) => {
      try {
        return staticIncludes(hbs.parse(new CodeShield().shield(text))).map((i) => i.name);
      } catch {
        return []; // a template error: reported among the problems already
      }
    };
    const graph = new Map(readPartials(partialsDir).map((p) => [p.name, includesOf(p.text)]));
    const users = partialClosure(graph, changedPartials);
    for (const { full, rel: source } of walk(path.join(root, srcRel))) {
      if (!isMarkdown(source) || touched.has(source)) continue;
      const hits = includesOf(fs.readFileSync(full, 'utf8')).filter((n) => users.has(n));
      if (hits.length) summary.viaPartials.push({ ...ref(source), partials: [...new Set(hits)].map((n) => partialFile(partialsDir, root, n)) });
    }
    // A changed partial that a layout reaches is on every page using that layout: a site-wide change.
    const reached = new Set<string>();
    for (const { full } of walk(path.join(root, 'layouts'))) {
      const stack = includesOf(fs.readFileSync(full, 'utf8'));
      while (stack.length) {
        const name = stack.pop()!;
        if (reached.has(name)) continue;
        reached.add(name);
        stack.push(...(graph.get(name) ?? []));
      }
    }
    for (const name of changedPartials) if (reached.has(name)) summary.siteWide.push(partialFile(partialsDir, root, name));
  }
  return summary;
}

function relChange(change: FileChange, rel: (p: string) => string): FileChange {
  return change.status === 'renamed' ? { ...change, path: rel(change.path), from: rel(change.from) } : { ...change, path: rel(change.path) };
}

/** `partials/alerts/levels.md` -> `alerts/levels`. */
function partialName(p: string): string | undefined {
  const m = /^partials\/(.+)(\.[^./]+)$/.exec(p);
  return m && PARTIAL_EXTENSIONS.includes(m[2]!) ? m[1] : undefined;
}

function partialFile(dir: string, root: string, name: string): string {
  const ext = PARTIAL_EXTENSIONS.find((e) => fs.existsSync(path.join(dir, name + e))) ?? '.md';
  return path.relative(root, path.join(dir, name + ext)).split(path.sep).join('/');
}

/**
 * What the head does at a page's old address, from its URL list (urls.json, lib/urls/history.ts:
 * site paths without the base path): a page lives there, an `aliases:` redirect leads on, or nothing.
 */
function moved(before: string, srcRel: string, urls: UrlList | undefined, ref: (s: string) => PageRef, renamedTo?: PageRef): MovedPage {
  const oldPath = urlFromPermalink(targetPermalink(before));
  const base: MovedPage = { file: `${srcRel}/${before}`, oldPath, renamedTo, oldUrlNow: { kind: 'unknown' } };
  if (!urls) return base;
  const page = urls.pages.find((p) => p.url === oldPath);
  if (page) return { ...base, oldUrlNow: { kind: 'page', page: ref(page.source) } };
  const to = urls.redirects[oldPath];
  if (to === undefined) return { ...base, oldUrlNow: { kind: 'gone' } };
  const target = urls.pages.find((p) => p.url === to);
  return { ...base, oldUrlNow: { kind: 'redirect', to, page: target ? ref(target.source) : undefined } };
}

function problemText(p: Problem) {
  return { file: p.file, line: p.line, column: p.column, message: p.message, hint: p.hint, severity: p.severity };
}

function shortSha(root: string, rev: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--short', rev], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

class SummaryError extends RunbookSmithError {}

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new SummaryError(`could not run git (${r.error.message}). Install git, or run this in a git checkout.`);
  if (r.status !== 0) {
    throw new SummaryError(
      `git ${args.join(' ')} failed: ${r.stderr.trim()}\n` +
        'Check that both commits are in this checkout (in GitHub Actions, check out with fetch-depth: 0).',
    );
  }
  return r.stdout;
}

// --------------------------------------------------------------------- CLI

const USAGE = 'Usage: npm run pr-summary -- --base <commit> [--head HEAD] [--preview-url https://host/previews/pr-7/] [--base-path /previews/pr-7/] [--out comment.md]';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { base: { type: 'string' }, head: { type: 'string', default: 'HEAD' }, 'preview-url': { type: 'string' }, 'base-path': { type: 'string' }, out: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`pr-summary: ${(err as Error).message}\n${USAGE}`);
    return 1;
  }
  if (!values.base) {
    console.error(`pr-summary: --base <commit> is required (the commit the pull request is compared with).\n${USAGE}`);
    return 1;
  }
  const previewUrl = values['preview-url'] || undefined; // the workflow passes "" when there is no preview
  if (previewUrl && (!/^https?:\/\/[^/]/i.test(previewUrl) || !URL.canParse(previewUrl))) {
    console.error(`pr-summary: --preview-url "${previewUrl}" is not a web address (it starts with https:// or http://).`);
    return 1;
  }
  let basePath: string | undefined;
  if (values['base-path'] !== undefined) {
    const r = normaliseBase(values['base-path']);
    if ('error' in r) {
      console.error(`pr-summary: --base-path: ${r.error}`);
      return 1;
    }
    basePath = r.base;
  }
  let summary: PrSummary;
  try {
    summary = await summarize({ root: process.cwd(), base: values.base, head: values.head, previewUrl, basePath });
  } catch (err) {
    if (err instanceof SummaryError) {
      console.error(`pr-summary: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const comment = renderComment(summary);
  if (values.out) fs.writeFileSync(values.out, comment);
  else process.stdout.write(comment);
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, renderSummary(summary));
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `passed=${summary.passed}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
