/**
 * Markup in metadata is text everywhere it is shown: a page whose title is
 * `<script>…</script> <img onerror=…>` is built with the real layout and assets, served by nginx,
 * and read in Chromium: in <title>, the heading, the navigation and the search results the title is
 * literal text, and nothing runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../build.ts';
import { ROOT, writeProject } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';

const skipReason = missingTools();
const TITLE = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> Zebra drill';

describe.skipIf(!!skipReason)('markup in front matter is shown as text', () => {
  let nginx: Nginx;
  let browser: Browser;

  beforeAll(async () => {
    const dir = tempDir('markup-');
    writeProject(dir, {
      'site.yml': 'title: Markup\nurl: https://runbooks.example.com\n',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
      'src/drills/index.md': '---\ntitle: Drills\n---\n',
      'src/drills/zebra.md': `---\ntitle: '${TITLE}'\ndescription: '<b>bold</b> description'\n---\n## Steps\n\nRun the zebra drill.\n`,
      'src/drills/other.md': '---\ntitle: Other drill\n---\nSee [the zebra drill](zebra.md).\n',
    });
    for (const d of ['layouts', 'assets']) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
    const site = path.join(dir, 'site');
    await build({ root: dir, destination: site });
    ({ nginx, browser } = await serveSite(fs.realpathSync(site), path.join(dir, 'nginx')));
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
  });

  it('in <title>, the h1, the section navigation and the search results, with nothing executed', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${nginx.origin}/drills/zebra/`);
    expect(await page.title()).toBe(`${TITLE} · Markup`);
    expect(await page.textContent('h1')).toBe(TITLE);
    expect(await page.textContent('.section-nav [aria-current="page"]')).toBe(TITLE);
    expect(await page.textContent('.lead')).toBe('<b>bold</b> description');

    await page.goto(`${nginx.origin}/drills/other/`);
    expect(await page.textContent('.section-nav a[href="/drills/zebra/"]')).toBe(TITLE);
    await page.fill('#search-input', 'zebra');
    await page.waitForSelector('#search-results[data-query="zebra"] .search__page');
    const titles = await page.$$eval('#search-results .search__page', (els) => els.map((e) => e.textContent));
    expect(titles).toContain(TITLE);

    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('#search-results img, .section-nav img, h1 img', (els) => els.length)).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
