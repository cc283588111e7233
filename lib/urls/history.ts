/**
 * No published URL disappears by accident: a build compares its URL list (urls.json, written by the
 * redirects stage) with the previous release's. Pure functions here; the url-history stage reports.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The published URL list (urls.json). URLs are site paths: no base path. */
export interface UrlList {
  generator: 'runbook-smith';
  pages: { url: string; source: string; title: string; alerts?: string[] }[];
  redirects: Record<string, string>;
}

export const URL_LIST_FILE = 'urls.json';

export type Previous = { list: UrlList; from: string } | { missing: string } | { error: string };

/**
 * The previous release's URL list: `where` is a folder (a `build/` symlink, a deploy target's
 * `current`, an unpacked site) or the URL of a published site. A folder without urls.json (built
 * before it existed) gives its pages from its `index.html` files, without titles.
 */
export async function readPrevious(where: string, cwd: string): Promise<Previous> {
  if (/^https?:\/\//i.test(where)) {
    const url = new URL(URL_LIST_FILE, where.endsWith('/') ? where : `${where}/`).href;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
      if (res.status === 404) return { missing: `${url} does not exist (a site built before URL lists were published)` };
      if (!res.ok) return { error: `${url} answered ${res.status} ${res.statusText}` };
      return { list: parseList(await res.text(), url), from: url };
    } catch (err) {
      return { error: `${url} could not be read: ${(err as Error).message}` };
    }
  }
  const dir = path.resolve(cwd, where);
  if (!fs.existsSync(dir)) return { missing: `${where} does not exist` };
  const file = path.join(dir, URL_LIST_FILE);
  try {
    return { list: parseList(fs.readFileSync(file, 'utf8'), file), from: path.relative(cwd, file) || file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { error: (err as Error).message };
  }
  return { list: listFromTree(dir), from: path.relative(cwd, dir) || dir };
}

function parseList(text: string, where: string): UrlList {
  const data = JSON.parse(text) as Partial<UrlList>;
  if (!Array.isArray(data.pages)) throw new Error(`${where} is not a URL list made by runbook-smith`);
  return { generator: 'runbook-smith', pages: data.pages, redirects: data.redirects ?? {} };
}

/** Pages of a built tree without urls.json: every `<dir>/index.html` but the assets. */
function listFromTree(root: string): UrlList {
  const pages: UrlList['pages'] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || (rel === '' && e.name === 'assets')) continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name === 'index.html') pages.push({ url: encodeURI(`/${rel}`), source: '', title: '' });
    }
  };
  walk(root, '');
  return { generator: 'runbook-smith', pages, redirects: {} };
}

/** A URL as written in site.yml's removed_urls (`/a/b/`, `a/b`, `/a/b.html`) as a site path. */
export function normalizeRemoved(written: string): string {
  const parts = written.trim().replace(/^[a-z]+:\/\/[^/]+/i, '').split('/').filter(Boolean);
  const joined = parts.join('/');
  return encodeURI(safeDecode(/\.html?$/i.test(joined) ? `/${joined}` : joined ? `/${joined}/` : '/'));
}

function safeDecode(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

/** Page URLs (and aliases) of the previous release that the new one has neither as a page nor as a redirect. */
export function vanishedUrls(previous: UrlList, current: UrlList, removed: readonly string[]): UrlList['pages'] {
  const now = new Set([...current.pages.map((p) => p.url), ...Object.keys(current.redirects)]);
  const allowed = new Set(removed.map(normalizeRemoved));
  const gone = new Map<string, UrlList['pages'][number]>();
  const byUrl = new Map(previous.pages.map((p) => [p.url, p]));
  for (const p of previous.pages) if (!now.has(p.url) && !allowed.has(p.url)) gone.set(p.url, p);
  for (const [from, to] of Object.entries(previous.redirects)) {
    // A permanent alert URL that went away with its alert is the alert rules check's business.
    if (from.startsWith('/alerts/') || now.has(from) || allowed.has(from) || gone.has(from)) continue;
    const target = byUrl.get(to);
    gone.set(from, { url: from, source: target?.source ?? '', title: target?.title ?? '', alerts: target?.alerts });
  }
  return [...gone.values()].sort((a, b) => (a.url < b.url ? -1 : 1));
}

/** Old names of a file in git (`git log --follow`), relative to the repository; [] outside git. */
export function gitPastPaths(file: string): string[] {
  const dir = path.dirname(file);
  const r = spawnSync('git', ['log', '--follow', '--name-only', '--format=', '--', path.basename(file)], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return [];
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  return [...new Set(r.stdout.split('\n').filter(Boolean))].map((p) => path.join(top, p));
}

export interface Candidate {
  url: string;
  source: string;
  title: string;
  alerts: string[];
  /** Absolute path of the file, for git. */
  file: string;
  hasAliases: boolean;
}

/**
 * The page that most likely replaced a vanished one: the file git says it was renamed from, else one
 * with an alert in common, else one with the same title. Only pages whose URL is new are candidates.
 */
export function likelyReplacement(gone: UrlList['pages'][number], goneFile: string | undefined, candidates: readonly Candidate[], past: (c: Candidate) => string[]): { page: Candidate; why: string } | undefined {
  if (goneFile) {
    for (const c of candidates) if (past(c).includes(goneFile)) return { page: c, why: `git records ${path.basename(c.file)} as renamed from ${path.basename(goneFile)}` };
  }
  const alerts = new Set(gone.alerts ?? []);
  for (const c of candidates) {
    const shared = c.alerts.filter((a) => alerts.has(a));
    if (shared.length) return { page: c, why: `it has the same alert${shared.length > 1 ? 's' : ''} ${shared.join(', ')}` };
  }
  if (gone.title) for (const c of candidates) if (c.title === gone.title) return { page: c, why: `it has the same title "${c.title}"` };
  return undefined;
}
