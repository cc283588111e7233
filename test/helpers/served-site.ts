/**
 * The browser suites' set-up in one place: Debian's nginx serving a built site with
 * deploy/nginx.conf on a free loopback port (test/helpers/nginx.ts), and Debian's Chromium
 * (test/helpers/chromium.ts); closed together, the browser first.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { startNginx, type Nginx } from './nginx.ts';

export interface ServedSite {
  nginx: Nginx;
  browser: Browser;
}

/** Starts nginx on `root` (logs and temp files under `prefix`; `base`: served under that sub-path) and launches Chromium. */
export async function serveSite(root: string, prefix: string, options: { base?: string } = {}): Promise<ServedSite> {
  const nginx = await startNginx(root, prefix, options);
  try {
    return { nginx, browser: await launchChromium() };
  } catch (err) {
    await nginx.stop();
    throw err;
  }
}

/** Closes what serveSite started (either may be missing when the set-up failed half-way). */
export async function closeSite(site: Partial<ServedSite>): Promise<void> {
  await site.browser?.close();
  await site.nginx?.stop();
}
