/**
 * The Content-Security-Policy (issue 12) on the real site: every page built from this repository,
 * served by Debian's nginx with deploy/nginx.conf (header and <meta> both in force), opened in
 * Chromium with every CSP violation reported as a failure, and the site's own scripts used the way
 * a reader uses them (theme, environment tabs, copy buttons, search). The dev server's live reload
 * works under the same policy.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../scripts/dev.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';
import { sharedSite } from '../helpers/shared-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

let tmp: string;
let siteDir: string;
let nginx: Nginx | undefined;
let browser: Browser | undefined;

/** Records every CSP violation and console error of the context's pages into `problems`. */
async function watchedContext(problems: string[], options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser!.newContext(options);
  // Init scripts come from the browser's side (DevTools), so the page's CSP does not apply to them.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  context.on('page', (p) => {
    p.on('console', (m) => {
      if (/\/no\/such\/page\/$/.test(p.url()) && /status of 404/.test(m.text())) return; // the 404 page's own status
      if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`${p.url()}: console ${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`${p.url()}: uncaught: ${e.message}`));
  });
  return context;
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

function htmlFiles(dir: string, base = dir): Promise<string[]> {
  return fs.readdir(dir, { withFileTypes: true }).then(async (entries) => {
    const out: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await htmlFiles(full, base)));
      else if (e.name.endsWith('.html')) out.push(path.relative(base, full).split(path.sep).join('/'));
    }
    return out.sort();
  });
}

function head(url: string): Promise<{ status: number; csp: string | undefined }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
    }).on('error', reject);
  });
}

describe.skipIf(!!skipReason)('Content-Security-Policy on every page of the real site', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-csp-'));
    siteDir = (await sharedSite()).site;
    ({ nginx, browser } = await serveSite(siteDir, path.join(tmp, 'nginx')));
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('every page carries the policy as a <meta> tag, and nginx sends it on every kind of response', async () => {
    const pages = await htmlFiles(siteDir);
    expect(pages.length).toBeGreaterThan(20);
    for (const rel of pages) {
      const html = await fs.readFile(path.join(siteDir, rel), 'utf8');
      const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
      expect(meta, `${rel} has a CSP <meta>`).not.toBeNull();
      expect(html.indexOf(meta![0]), `${rel}: the <meta> comes before any script`).toBeLessThan(html.indexOf('<script'));
      expect(meta![1]).toMatch(/(^|; )script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)/);
      expect(meta![1]).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    }
    // The header is checked together with the <meta>: it must allow the layout's inline scripts too.
    const metaScripts = /script-src ([^;]*)/.exec(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(await fs.readFile(path.join(siteDir, 'index.html'), 'utf8'))![1]!)![1]!;
    const headerScripts = /script-src ([^;]*)/.exec((await head(nginx!.origin + '/')).csp ?? '')?.[1] ?? '';
    for (const source of metaScripts.split(' ')) {
      expect(headerScripts.split(' '), `deploy/nginx.conf's Content-Security-Policy lacks ${source}, which a built page's <meta> has (the layout's inline script changed?): copy the page's script-src into $rs_csp`).toContain(source);
    }
    const asset = (await fs.readdir(path.join(siteDir, 'assets'))).find((f) => /^site\.[0-9a-f]+\.css$/.test(f))!;
    // A page, a redirect, a 404, a dotfile, a fingerprinted asset, JSON: every location block of the config.
    for (const [url, status] of [['/', 200], ['/queues', 301], ['/no/such/page/', 404], ['/.runbook-smith.json', 404], [`/assets/${asset}`, 200], ['/alerts.json', 200]] as const) {
      const res = await head(nginx!.origin + url);
      expect(res.status, url).toBe(status);
      expect(res.csp, `Content-Security-Policy header on ${url}`).toMatch(/^default-src 'self'; script-src 'self'/);
      expect(res.csp).toContain("frame-ancestors 'none'");
      expect(res.csp).not.toMatch(/script-src[^;]*unsafe/);
    }
  });

  it('loads every page with no CSP violation, and the theme, tabs, copy buttons and search work under it', async () => {
    const problems: string[] = [];
    const context = await watchedContext(problems, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const page = await context.newPage();
      const pages = await htmlFiles(siteDir);
      for (const rel of pages) {
        const url = rel === '404.html' ? '/no/such/page/' : `/${rel.replace(/index\.html$/, '')}`;
        await page.goto(nginx!.origin + url, { waitUntil: 'load' });
        // The head script ran (it is hashed, not blocked): it copies the saved choice onto <html>.
        expect(await violations(page), url).toEqual([]);
      }

      // The listener does see violations: a copy of the home page with an inline handler and an
      // unhashed inline script gets both blocked.
      // The site is the run's shared build (test/helpers/shared-site.ts): the probe is removed again.
      const home = await fs.readFile(path.join(siteDir, 'index.html'), 'utf8');
      const probe = path.join(siteDir, 'csp-probe.html');
      await fs.writeFile(probe, home.replace('</body>', '<img src="/nothing.png" onerror="window.ran=1"><script>window.ran=2</script></body>'));
      try {
        await page.goto(`${nginx!.origin}/csp-probe.html`);
        await expect.poll(async () => (await violations(page)).join('\n')).toMatch(/script-src-attr blocked inline[\s\S]*script-src-elem blocked inline|script-src-elem blocked inline[\s\S]*script-src-attr blocked inline/);
        expect(await page.evaluate(() => (window as unknown as { ran?: number }).ran)).toBeUndefined();
      } finally {
        await fs.rm(probe, { force: true });
      }
      problems.length = 0;

      // The inline theme script runs before first paint; the toggle (site.js) works.
      await page.goto(`${nginx!.origin}/queues/backed-up-channel/`);
      for (let i = 0; i < 3 && (await page.getAttribute('html', 'data-theme')) !== 'dark'; i++) await page.click('.theme-toggle');
      expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
      await page.reload();
      expect(await page.getAttribute('html', 'data-theme')).toBe('dark'); // set by the hashed inline script

      // Environment tabs, and their inline <style> (hashed): the chosen panel shows.
      await page.locator('[data-env-tabs]').first().locator('[role="tab"][data-env="prod"]').click();
      await page.reload();
      expect(await page.getAttribute('html', 'data-env')).toBe('prod');
      expect(await page.$eval('.env-tabs__panel[data-env="prod"]', (el) => getComputedStyle(el).display)).toBe('block');
      expect(await page.$eval('.env-tabs__panel[data-env="dev"]', (el) => getComputedStyle(el).display)).toBe('none');

      // Copy button.
      const copy = page.locator('.copy-button:visible').first();
      await copy.click();
      await expect.poll(() => copy.textContent()).toBe('Copied');

      // Search: MiniSearch comes in by a script tag, the index by fetch.
      await page.fill('#search-input', 'channel');
      await page.waitForSelector('#search-results [role="option"]');
      expect(await violations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the dev server serves the same policy, and live reload works under it', async () => {
    const server = await startDevServer({ root: process.cwd(), port: 0, log: () => {} });
    const problems: string[] = [];
    const context = await watchedContext(problems);
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.port}/queues/backed-up-channel/`);
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
      await expect.poll(() => page.evaluate(() => (window as unknown as { __rsLiveReload?: boolean }).__rsLiveReload === true)).toBe(true);
      expect(await violations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  }, 120_000);
});
