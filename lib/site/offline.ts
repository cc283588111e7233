/**
 * The site without its host (issue 16, docs/decisions.md "Phone and offline"): the service
 * worker's manifest of a release, and the pages of the downloadable copy made to work from
 * file://. Used by the offline and archive stages and by the layout (the URLs it links).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BuildContext } from '../core/context.ts';

/** The service worker, at the base path (its scope is the whole site). */
export const WORKER = 'sw.js';
/** The whole site as one download, at the base path. */
export const ARCHIVE = 'runbooks-offline.zip';
/** The worker's source, under the site's assets/ (bundled on its own, not into site.js). */
export const WORKER_SOURCE = 'js/sw.js';
/** The folder the archive unpacks into. */
export const ARCHIVE_ROOT = 'runbooks';

/**
 * Whether a build makes the offline parts: not the dev server (its pages change on every save and
 * it has its own live reload), and only a site that has the reader's front-end (assets/js/sw.js).
 */
export function offlineEnabled(ctx: BuildContext): boolean {
  return !ctx.dev && !ctx.incremental && fs.existsSync(path.join(ctx.assetsDir, WORKER_SOURCE));
}

/** Files of a release that are not part of the offline copy: dotfiles, the worker, the archive, crawler files. */
export function leftOffline(rel: string): boolean {
  return rel.split('/').some((s) => s.startsWith('.')) || rel === WORKER || rel === ARCHIVE || rel === 'sitemap.xml' || rel === 'robots.txt';
}

export interface OfflineManifest {
  /** A digest of every file of the release. */
  release: string;
  /** The day it was built (builtDay). */
  built: string;
  /** Every URL to keep, relative to the base path (`` is the home page, `queues/` a page). */
  urls: string[];
}

/** The URLs of a release's files: pages by their folder URL, other files by name. */
export function offlineUrls(keys: readonly string[]): string[] {
  const urls: string[] = [];
  for (const key of keys) {
    const rel = key.split(path.sep).join('/');
    if (leftOffline(rel)) continue;
    urls.push(rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
  }
  return urls.sort();
}

/** The day a release was built, as the offline badge shows it: "2026-12-02" (a day, so two builds of the same input are the same). */
export function builtDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The badge's placeholder in every page (layouts/default.hbs); the worker and the archive fill it in. */
export const BADGE_PLACEHOLDER = '<p class="offline-badge" hidden data-rs-offline></p>';

/** The download link's paragraph on the home and 404 pages (layouts/default.hbs). */
const ARCHIVE_LINK = /<p class="offline-archive">[\s\S]*?<\/p>/;

/**
 * A page of the downloadable copy: every URL the build wrote root-relative under the base path
 * (`/queues/backlog/#mitigation`, `/assets/site.x.css`) made relative to the page's own file, with
 * `index.html` where a server would have added it, since file:// has no server.
 * Attribute values are the build's own double-quoted output (escaped text never holds `="`).
 * One rewriter serves a whole site: pages of one folder share most of their URLs (the navigation),
 * so each folder's relative paths are computed once (docs/decisions.md#archive-memory).
 */
export function fileUrlRewriter(base: string, day: string): (html: string, rel: string) => string {
  const byDir = new Map<string, Map<string, string>>();
  return (html, rel) => {
    const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    const toRoot = dir ? `${dir.split('/').map(() => '..').join('/')}/` : './';
    let known = byDir.get(dir);
    if (!known) byDir.set(dir, (known = new Map()));
    const relativeTo = (target: string) => {
      let r = known.get(target);
      if (r === undefined) known.set(target, (r = path.posix.relative(dir, target) || path.posix.basename(target)));
      return r;
    };
    return html
      .replace(/(\s(?:href|src|action|data-[a-z-]+))="([^"]*)"/g, (whole, attr: string, value: string) => {
        if (attr === ' data-base') return `${attr}="${toRoot}"`;
        if (!value.startsWith(base) || value.startsWith('//')) return whole;
        const m = /^([^?#]*)([?#].*)?$/.exec(value.slice(base.length))!;
        let target = m[1]!;
        if (target === '' || target.endsWith('/')) target += 'index.html';
        return `${attr}="${relativeTo(target)}${m[2] ?? ''}"`;
      })
      .replace(BADGE_PLACEHOLDER, `<p class="offline-badge" role="status" data-rs-offline>Offline copy from ${day}</p>`)
      .replace(ARCHIVE_LINK, '<p class="offline-archive">This is the offline copy of the site: it does not change when the site does. Download a new one when you can.</p>');
  };
}
