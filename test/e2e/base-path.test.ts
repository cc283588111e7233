/**
 * The site served under a sub-path, as GitHub Pages serves a project site and as PR previews are
 * served (/previews/<name>/): the build is given `url: https://example-org.github.io/infra-runbooks/`,
 * put in the `infra-runbooks/` folder of nginx's root, and served by Debian's nginx with
 * deploy/nginx.conf (its 404 page named under the sub-path). Then every link and asset of every
 * page, the 404 page, sitemap.xml and alerts.json is fetched: all 200, and none leaves the
 * sub-path. Search and the environment tabs run in Chromium there.
 *
 * The source is this repository's own src/ plus one page of links written as source paths and
 * root-relative (/queues/, without the base path), which must keep working.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../../build.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

const BASE = '/infra-runbooks/';
const SITE_URL = 'https://example-org.github.io/infra-runbooks/';

const LINKS_PAGE = `---
title: Links written every way
---
- [Queues, root-relative](/queues/)
- [Rollback, root-relative with anchor](/deploys/rollback/#mitigation)
- [Access, already under the base path](/infra-runbooks/access/)
- [Bastion, as a source path](access/bastion.md)
- [A diagram file, root-relative](/files/diagram.svg)

![A diagram, as a source path](files/diagram.svg)
`;
const DIAGRAM = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n';

let tmp: string;
let result: BuildResult;
let nginx: Nginx | undefined;
let browser: Browser | undefined;

/** Every URL a page names in href, src and the data attributes that name assets. */
function urlsIn(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser({
    onopentag(_name, attrs) {
      for (const a of ['href', 'src', 'data-index', 'data-engine']) if (attrs[a]) out.push(attrs[a]!);
    },
  });
  parser.write(html);
  parser.end();
  return out;
}

describe.skipIf(!!skipReason)('site served under a sub-path by nginx', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-base-'));
    const source = path.join(tmp, 'src');
    await fs.cp(path.resolve('src'), source, { recursive: true });
    await fs.writeFile(path.join(source, 'links-every-way.md'), LINKS_PAGE);
    await fs.mkdir(path.join(source, 'files'));
    await fs.writeFile(path.join(source, 'files', 'diagram.svg'), DIAGRAM);
    result = await build({ root: process.cwd(), source, destination: path.join(tmp, 'www', 'infra-runbooks'), url: SITE_URL });
    ({ nginx, browser } = await serveSite(path.join(tmp, 'www'), path.join(tmp, 'nginx'), { base: BASE }));
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('every link and asset of every page (and of the 404 page) answers 200, all under the sub-path', async () => {
    const origin = nginx!.origin;
    const seen = new Set<string>();
    const outside: string[] = [];
    const failed: string[] = [];
    const queue = [BASE, `${BASE}no-such-page/`];
    const from = new Map<string, string>();
    while (queue.length) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const r = await fetch(origin + url, { redirect: 'manual' });
      const expected = url === `${BASE}no-such-page/` ? 404 : 200;
      if (r.status !== expected) failed.push(`${url} -> ${r.status} (linked from ${from.get(url) ?? 'start'})`);
      if (!(r.headers.get('content-type') ?? '').startsWith('text/html')) continue;
      for (const value of urlsIn(await r.text())) {
        const abs = new URL(value, origin + url);
        if (abs.origin !== origin) continue;
        if (!abs.pathname.startsWith(BASE)) outside.push(`${value} on ${url}`);
        if (!from.has(abs.pathname)) from.set(abs.pathname, url);
        queue.push(abs.pathname);
      }
    }
    expect(outside, 'links that leave the sub-path').toEqual([]);
    expect(failed, 'links that do not answer 200').toEqual([]);
    // The crawl reached every page and asset of the build.
    const built = Object.keys(result.files).filter((k) => k.endsWith('.html') && k !== '404.html' && (result.files[k] as { url?: string }).url); // not redirect pages
    expect(seen.size).toBeGreaterThan(built.length);
    for (const k of built) expect(seen.has(BASE + k.replace(/index\.html$/, '')), k).toBe(true);
  }, 120_000);

  it('links written root-relative or as source paths point under the sub-path', async () => {
    const html = await (await fetch(`${nginx!.origin}${BASE}links-every-way/`)).text();
    const article = html.slice(html.indexOf('<article'), html.indexOf('</article>'));
    expect(urlsIn(article)).toEqual([
      `${BASE}queues/`,
      `${BASE}deploys/rollback/#mitigation`,
      `${BASE}access/`,
      `${BASE}access/bastion/`,
      `${BASE}files/diagram.svg`,
      `${BASE}files/diagram.svg`,
    ]);
  });

  it('sitemap.xml, robots.txt and alerts.json give absolute URLs under the sub-path, each served', async () => {
    const text = (name: string) => fetch(`${nginx!.origin}${BASE}${name}`).then((r) => r.text());
    const locs = [...(await text('sitemap.xml')).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    expect(locs).toContain(`${SITE_URL}queues/backed-up-channel/`);
    expect(locs.filter((l) => !l.startsWith(SITE_URL))).toEqual([]);
    expect(await text('robots.txt')).toContain(`Sitemap: ${SITE_URL}sitemap.xml`);
    const alerts = Object.values(JSON.parse(await text('alerts.json')) as Record<string, { url: string; page: string }>);
    expect(alerts.length).toBeGreaterThan(5);
    const bad: string[] = [];
    for (const u of [...locs, ...alerts.map((a) => a.page)]) {
      expect(u.startsWith(SITE_URL), u).toBe(true);
      const r = await fetch(nginx!.origin + new URL(u).pathname, { redirect: 'manual' });
      if (r.status !== 200) bad.push(`${u} -> ${r.status}`);
    }
    // Permanent alert URLs: the redirect page (200) or nginx's 301, to the runbook under the sub-path.
    for (const a of alerts) {
      expect(a.url.startsWith(`${SITE_URL}alerts/`), a.url).toBe(true);
      const r = await fetch(nginx!.origin + new URL(a.url).pathname, { redirect: 'manual' });
      const html = r.status === 200 ? await r.text() : '';
      const to = r.status === 301 ? r.headers.get('location') : /data-to="([^"]+)"/.exec(html)?.[1];
      if (to !== new URL(a.page).pathname) bad.push(`${a.url} -> ${r.status} ${to}`);
    }
    expect(bad).toEqual([]);
  }, 60_000);

  it('the service worker works under the sub-path: after one visit, other pages open offline, within the sub-path only', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${nginx!.origin}${BASE}`);
      const scope = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
        return reg.scope;
      });
      expect(new URL(scope).pathname).toBe(BASE);
      // The worker has the whole release once it controls the page; give its copy time to finish.
      await expect
        .poll(() => page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).length))).reduce((a, b) => a + b, 0)), { timeout: 60_000, interval: 500 })
        .toBeGreaterThan(20);
      await context.setOffline(true);
      for (const [url, h1] of [
        [`${BASE}queues/`, 'Queues (NSQ)'],
        [`${BASE}queues/backed-up-channel/`, 'A channel is backing up'],
      ] as const) {
        const res = await page.goto(nginx!.origin + url);
        expect(res?.status(), url).toBe(200);
        expect(await page.textContent('h1')).toBe(h1);
        expect(await page.textContent('.offline-badge'), url).toMatch(/^Offline copy from \d{4}-\d\d-\d\d$/);
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  it('search finds a page and opens it under the sub-path; the environment tabs work there', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    context.on('page', (p) => {
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      p.on('pageerror', (e) => errors.push(e.message));
    });
    try {
      const page = await context.newPage();
      await page.goto(`${nginx!.origin}${BASE}`);
      await page.keyboard.press('/');
      await page.keyboard.type('backing', { delay: 10 });
      const first = page.locator('#search-results[data-query="backing"] [role="option"]').first();
      await first.waitFor();
      expect(await first.getAttribute('href')).toMatch(/^\/infra-runbooks\/queues\/backed-up-channel\/(#.*)?$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`**${BASE}queues/backed-up-channel/**`);
      expect(await page.textContent('h1')).toBe('A channel is backing up');

      const groups = await page.locator('[data-env-tabs]').count();
      expect(groups).toBeGreaterThan(1);
      await page.locator('[data-env-tabs]').first().locator('[role="tab"][data-env="prod"]').click();
      expect(await page.locator('[role="tab"][data-env="prod"][aria-selected="true"]').count()).toBe(groups);
      await page.click(`.pager a[rel="next"]`);
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname.startsWith(`${BASE}queues/`)).toBe(true);
      expect(await page.getAttribute('html', 'data-env')).toBe('prod');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
