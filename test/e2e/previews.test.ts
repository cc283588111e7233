/**
 * Pull-request previews for real (issue 18): this repository's site is built three times (the
 * production site at /, and two previews with the base paths /previews/pr-1/ and /previews/pr-2/,
 * the second with an extra page), published into ONE deploy root with `npm run deploy`'s code
 * (production, then --preview twice), and served by Debian's nginx with deploy/nginx.conf.
 * Each preview is crawled (every link and asset 200, none leaving its prefix), search and the
 * environment tabs are used in Chromium inside a preview, and after one preview is removed the
 * other and production keep serving.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../build.ts';
import { publish } from '../../scripts/deploy/publish.ts';
import { publishPreview, removePreview } from '../../scripts/deploy/preview.ts';
import { crawl } from '../deploy/preview-fixtures.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

const ONLY_IN_TWO = `---
title: Only in preview two
---
This page exists only in the second pull request. See the [backlog runbook](/queues/backed-up-channel/).
`;

let tmp: string;
let srv: string;
let nginx: Nginx | undefined;
let browser: Browser | undefined;
const pages: Record<string, string[]> = {};
const redirectPages: Record<string, string[]> = {};

describe.skipIf(!!skipReason)('two previews and production in one deploy root, served by nginx', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-previews-'));
    srv = path.join(tmp, 'srv');
    const two = path.join(tmp, 'src-two');
    await fs.cp(path.resolve('src'), two, { recursive: true });
    await fs.writeFile(path.join(two, 'only-in-two.md'), ONLY_IN_TWO);

    const builds: [name: string, source: string | undefined, base: string | undefined][] = [
      ['production', undefined, undefined],
      ['pr-1', undefined, '/previews/pr-1/'],
      ['pr-2', two, '/previews/pr-2/'],
    ];
    for (const [name, source, base] of builds) {
      const destination = path.join(tmp, 'builds', name);
      const result = await build({ root: process.cwd(), source, destination, base });
      // the pages (not the redirect pages of aliases and alert URLs, which nothing needs to link)
      pages[name] = Object.entries(result.files).filter(([k, f]) => k.endsWith('.html') && k !== '404.html' && (f as { url?: string }).url).map(([k]) => k);
      redirectPages[name] = Object.entries(result.files).filter(([k, f]) => k.endsWith('.html') && k !== '404.html' && !(f as { url?: string }).url).map(([k]) => k);
      if (name === 'production') await publish({ source: destination, target: srv });
      else await publishPreview({ target: srv, name, source: destination, publishSite: publish });
    }
    ({ nginx, browser } = await serveSite(path.join(srv, 'current'), path.join(tmp, 'nginx')));
  }, 180_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('every link and asset of each preview answers 200 and stays under its prefix', async () => {
    for (const name of ['pr-1', 'pr-2']) {
      const prefix = `/previews/${name}/`;
      const { status, outside } = await crawl(nginx!.origin, prefix, prefix);
      expect(outside, `${name}: links that leave the preview`).toEqual([]);
      expect([...status].filter(([, s]) => s !== 200).map(([u, s]) => `${u} -> ${s}`), name).toEqual([]);
      // the crawl reached every page of that build
      for (const k of pages[name]!) expect(status.has(prefix + k.replace(/index\.html$/, '')), `${name}: ${k}`).toBe(true);
    }
    // the redirect pages (alert URLs, aliases) answer inside the preview too
    expect(redirectPages['pr-1']!.length).toBeGreaterThan(0);
    for (const k of redirectPages['pr-1']!) {
      const res = await fetch(`${nginx!.origin}/previews/pr-1/${k.replace(/index\.html$/, '')}`, { redirect: 'manual' });
      expect(res.status, k).toBe(200);
      expect(await res.text(), k).toContain('/previews/pr-1/');
    }
    expect(pages['pr-2']).toContain('only-in-two/index.html');
    expect((await fetch(`${nginx!.origin}/previews/pr-1/only-in-two/`)).status).toBe(404);
    expect((await fetch(`${nginx!.origin}/previews/pr-2/only-in-two/`)).headers.get('x-robots-tag')).toBe('noindex, nofollow');
  }, 120_000);

  it('search and the environment tabs work inside a preview, in Chromium', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    context.on('page', (p) => {
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      p.on('pageerror', (e) => errors.push(e.message));
    });
    try {
      const page = await context.newPage();
      await page.goto(`${nginx!.origin}/previews/pr-2/`);
      await page.keyboard.press('/');
      await page.keyboard.type('only in preview', { delay: 10 });
      const first = page.locator('#search-results [role="option"]').first();
      await first.waitFor();
      expect(await first.getAttribute('href')).toMatch(/^\/previews\/pr-2\/only-in-two\/(#.*)?$/);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/previews/pr-2/only-in-two/**');
      expect(await page.textContent('h1')).toBe('Only in preview two');
      await page.click('article a[href="/previews/pr-2/queues/backed-up-channel/"]');
      await page.waitForURL('**/previews/pr-2/queues/backed-up-channel/');

      const groups = await page.locator('[data-env-tabs]').count();
      expect(groups).toBeGreaterThan(1);
      await page.locator('[data-env-tabs]').first().locator('[role="tab"][data-env="prod"]').click();
      expect(await page.locator('[role="tab"][data-env="prod"][aria-selected="true"]').count()).toBe(groups);
      await page.click('.pager a[rel="next"]');
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname.startsWith('/previews/pr-2/queues/')).toBe(true);
      expect(await page.getAttribute('html', 'data-env')).toBe('prod');

      // pr-1 has no such page: its search does not find it
      await page.goto(`${nginx!.origin}/previews/pr-1/`);
      await page.keyboard.press('/');
      await page.keyboard.type('backing', { delay: 10 });
      const hit = page.locator('#search-results[data-query="backing"] [role="option"]').first();
      await hit.waitFor();
      expect(await hit.getAttribute('href')).toMatch(/^\/previews\/pr-1\/queues\/backed-up-channel\/(#.*)?$/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('removing pr-1 leaves pr-2 and production serving', async () => {
    await removePreview({ target: srv, name: 'pr-1' });
    expect((await fetch(`${nginx!.origin}/previews/pr-1/`)).status).toBe(404);
    expect((await fetch(`${nginx!.origin}/previews/pr-1/queues/backed-up-channel/`)).status).toBe(404);
    const { status } = await crawl(nginx!.origin, '/previews/pr-2/', '/previews/pr-2/');
    expect([...status].filter(([, s]) => s !== 200)).toEqual([]);
    const production = await crawl(nginx!.origin, '/', '/');
    expect([...production.status].filter(([, s]) => s !== 200)).toEqual([]);
    for (const k of pages.production!) expect(production.status.has(`/${k.replace(/index\.html$/, '')}`), k).toBe(true);
    expect([...production.status.keys()].filter((u) => u.startsWith('/previews/'))).toEqual([]);
    expect(await (await fetch(`${nginx!.origin}/sitemap.xml`)).text()).not.toContain('/previews/');
  }, 120_000);
});
