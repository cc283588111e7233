/**
 * git-dates: "Last updated" for every page from git history, as `page.updated` (YYYY-MM-DD; the
 * layout shows it in the page footer).
 *
 * ONE `git log` for the whole source tree, never one per file (docs/decisions.md#git-log-once):
 *
 *   git -C <source> log --format=%x01%cd --date=short --name-only --relative -z -- .
 *
 * walks the history newest first; the first commit that names a file is its last change. The output
 * is read as a stream and git is stopped as soon as every page has a date, so a long history is not
 * walked to the end.
 *
 * The date is the commit's committer date in the committer's own time zone (`--date=short`): it is
 * a property of the commit, so two builds of the same checkout give byte-identical pages.
 *
 * Fallbacks (nothing is shown, never a guess such as the file's mtime, which differs between
 * checkouts and would make builds non-deterministic):
 *   - outside a git checkout, or git not installed, or git refusing the repository
 *     ("dubious ownership" in some CI containers): no page gets a date;
 *   - a file never committed (new, untracked): no date until it is committed. A committed file
 *     with uncommitted edits shows its last commit's date.
 *   - a shallow clone (CI `fetch-depth: 1`) knows only one commit, so every page shows that
 *     commit's date: check out with `fetch-depth: 0` for real dates.
 *   - renames are not followed: a moved file's date is that of the move.
 * Reads: page.source of every `*.html` page. Writes: page.updated.
 */
import { spawn } from 'node:child_process';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files } from '../lib/core/page.ts';

export interface GitDatesOptions {
  /** Stop reading history once these paths (relative to `cwd`, with `/`) all have a date. */
  wanted?: ReadonlySet<string>;
  /** The git binary (tests). */
  git?: string;
}

/**
 * Last commit date (YYYY-MM-DD) of every file under `cwd` that git knows, keyed by its path
 * relative to `cwd` with `/`. Resolves with an empty map when `cwd` is not in a git checkout.
 */
export function lastCommitDates(cwd: string, options: GitDatesOptions = {}): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  const wanted = options.wanted;
  let missing = wanted ? wanted.size : Infinity;
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(options.git ?? 'git', ['-c', 'core.quotepath=off', 'log', '--format=%x01%cd', '--date=short', '--name-only', '--relative', '--no-renames', '-z', '--', '.'], {
        cwd,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' },
      });
    } catch {
      resolve(dates);
      return;
    }
    let date = '';
    let rest = '';
    let stopped = false;
    let failed = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (stopped) return;
      const tokens = (rest + chunk).split('\0');
      rest = tokens.pop()!;
      for (const raw of tokens) {
        if (raw.charCodeAt(0) === 1) {
          date = raw.slice(1);
          continue;
        }
        const name = raw.startsWith('\n') ? raw.slice(1) : raw;
        if (!name || dates.has(name)) continue;
        dates.set(name, date);
        if (wanted?.has(name) && --missing === 0) {
          stopped = true;
          child.kill();
          return;
        }
      }
    });
    child.on('error', () => {
      failed = true; // git not installed
    });
    child.on('close', (code) => {
      // Killed by us: complete for what we want. Non-zero exit: not a repository; show nothing.
      resolve(stopped || (code === 0 && !failed) ? dates : new Map());
    });
  });
}

export default function gitDates(ctx: BuildContext): Metalsmith.Plugin {
  return async function gitDates(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:git-dates');
    const pages = files as Files;
    const bySource = new Map<string, string[]>();
    for (const key of Object.keys(pages)) {
      const page = pages[key]!;
      if (!key.endsWith('.html') || !page.source || page.generated) continue;
      const list = bySource.get(page.source) ?? [];
      list.push(key);
      bySource.set(page.source, list);
    }
    if (!bySource.size) return;
    const dates = await lastCommitDates(ctx.source, { wanted: new Set(bySource.keys()) });
    let dated = 0;
    for (const [source, keys] of bySource) {
      const date = dates.get(source);
      if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
      for (const key of keys) pages[key]!.updated = date;
      dated++;
    }
    debug('%d of %d pages dated from git', dated, bySource.size);
  };
}
