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
