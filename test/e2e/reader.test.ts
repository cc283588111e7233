/**
 * The reader's side, proven in a real browser: the site is built into a temp dir, served by Debian's
 * nginx with deploy/nginx.conf, and driven with Debian's Chromium through playwright-core (no
 * browser download). One browser for the suite; a fresh context (clean localStorage) per test.
 *
 * Every page a test opens is watched for console errors and uncaught exceptions; on failure a
 * screenshot goes to test/artifacts/<test-name>.png.
 *
 * Skipped, with the reason printed, only when /usr/bin/chromium or /usr/sbin/nginx is missing.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';
import { sharedSite } from '../helpers/shared-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

const ARTIFACTS = path.resolve('test/artifacts');
const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

let tmp: string;
let siteDir: string;
let nginx: Nginx | undefined;
let browser: Browser | undefined;

interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen on every page of this session. */
  errors: string[];
  open(url: string): Promise<Page>;
}

async function session(options: BrowserContextOptions = {}): Promise<Session> {
  // No service worker (offline.test.ts tests it): each context installing one fetched the whole
  // site again while the test ran (docs/decisions.md#test-speed).
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', serviceWorkers: 'block', ...options });
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${p.url()}: console.error: ${m.text()}`);
    });
    p.on('pageerror', (e) => errors.push(`${p.url()}: uncaught: ${e.message}`));
  };
  context.on('page', watch);
  const page = await context.newPage();
  return {
    context,
    page,
    errors,
    async open(url: string) {
      await page.goto(nginx!.origin + url);
      return page;
    },
  };
}

/** A test with its own browser context; screenshot on failure, no console errors allowed. */
function e2e(name: string, fn: (s: Session) => Promise<void>, options: BrowserContextOptions = {}) {
  it(name, async () => {
    const s = await session(options);
    try {
      await fn(s);
      expect(s.errors, 'console errors').toEqual([]);
    } catch (err) {
      await fs.mkdir(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
      await s.page.screenshot({ path: file, fullPage: false }).catch(() => undefined);
      throw err;
    } finally {
      await s.context.close();
    }
  });
}

async function axe(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource); // not a <script> tag: the page's Content-Security-Policy would block an inline one
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, {});
    return {
      passes: (r as unknown as { passes: unknown[] }).passes.length,
      list: r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`),
    };
  });
  expect(violations.passes, 'axe ran its rules').toBeGreaterThan(10);
  expect(violations.list, `axe violations on ${label}`).toEqual([]);
}

/** Text of the displayed element, for the "which env panel shows" checks. */
function displayOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => getComputedStyle(el).display);
}

describe.skipIf(!!skipReason)('reader side in Chromium, served by nginx', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-e2e-'));
    const result = await sharedSite();
    siteDir = result.site;
    expect(result.pages).toBeGreaterThan(10);
    ({ nginx, browser } = await serveSite(siteDir, path.join(tmp, 'nginx')));
  }, 90_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  e2e('navigates home, a section, a page and its next page', async ({ page, open }) => {
    await open('/');
    await page.click('.top-nav a[href="/queues/"]');
    await page.waitForURL('**/queues/');
    expect(await page.textContent('h1')).toBe('Queues (NSQ)');
    expect(await page.getAttribute('.top-nav a[href="/queues/"]', 'aria-current')).toBe('true');

    await page.click('.section-nav a[href="/queues/backed-up-channel/"]');
    await page.waitForURL('**/queues/backed-up-channel/');
    expect(await page.textContent('h1')).toBe('A channel is backing up');
    expect(await page.textContent('.section-nav [aria-current="page"]')).toBe('A channel is backing up');
    expect(await page.isVisible('.runbook-card')).toBe(true);

    const next = await page.getAttribute('.pager a[rel="next"]', 'href');
    expect(next).toMatch(/^\/queues\/.+\/$/);
    await page.click('.pager a[rel="next"]');
    await page.waitForURL(`**${next}`);
    expect(await page.getAttribute('.section-nav [aria-current="page"]', 'href')).toBe(next);
    expect(await page.getAttribute('.pager a[rel="prev"]', 'href')).toBe('/queues/backed-up-channel/');
  });

  e2e('search finds a word and opens the page at the matching section', async ({ page, open }) => {
    // A word that occurs in exactly one section (not a page's intro) and on no other page, read from
    // the built index's result pieces and the built pages.
    const dir = path.join(siteDir, 'assets', 'search');
    type Record = [url: string, title: string, crumb: string, severity: string, generated: number, sections: [anchor: string, heading: string, text: string][]];
    const records: Record[] = [];
    for (const f of await fs.readdir(dir)) {
      if (!/^c\d+\./.test(f)) continue;
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      records.push(...(JSON.parse(text.slice(text.indexOf(',') + 1, text.lastIndexOf(')'))) as Record[]));
    }
    const seen = new Map<string, [Record, number] | null>();
    for (const r of records) {
      r[5].forEach((s, i) => {
        for (const w of new Set(s[2].toLowerCase().match(/\b[a-z]{8,}\b/g) ?? [])) seen.set(w, seen.has(w) ? null : [r, i]);
      });
    }
    const html = await Promise.all(records.map((r) => fs.readFile(path.join(siteDir, r[0], 'index.html'), 'utf8').then((t) => t.toLowerCase())));
    const [word, where] = [...seen].find(
      ([w, at]) => at && at[1] > 0 && ![...seen.keys()].some((o) => o !== w && o.startsWith(w)) && html.filter((h) => h.includes(w)).length === 1,
    )!;
    const [[url, title], section] = [where![0], where![1]] as const;
    const [anchor, heading] = where![0][5][section]!;
    const pageUrl = '/' + url;

    await open('/');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type(word, { delay: 10 });
    const first = page.locator(`#search-results[data-query="${word}"] [role="option"]`).first();
    await first.waitFor();
    expect(await page.getAttribute('#search-input', 'aria-expanded')).toBe('true');
    expect(await first.locator('.search__page').textContent()).toBe(title);
    expect(await first.locator('.search__section').textContent()).toBe(heading);
    expect((await first.locator('.search__snippet mark').first().textContent())?.toLowerCase()).toBe(word);
    expect(await page.getAttribute('#search-input', 'aria-activedescendant')).toBe(await first.getAttribute('id'));

    await page.keyboard.press('Enter');
    await page.waitForURL(`**${pageUrl}#${anchor}`);
    const box = await page.locator(`[id="${anchor}"]`).boundingBox();
    expect(box && box.y >= 0 && box.y < 300, `heading #${anchor} at the top of the window`).toBe(true);
  });

  e2e('search: arrow keys move through results, Escape closes; axe finds nothing with results open', async ({ page, open }) => {
    await open('/queues/backed-up-channel/');
    await page.click('#search-input');
    await page.keyboard.type('channel');
    // Each keystroke re-renders the results: wait for the list of the whole word.
    await page.locator('#search-results[data-query="channel"] [role="option"]').nth(2).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('#search-input', 'aria-activedescendant')).toBe('search-option-2');
    expect(await page.getAttribute('#search-option-2', 'aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    expect(await page.getAttribute('#search-input', 'aria-activedescendant')).toBe('search-option-1');
    await axe(page, 'the search with results open');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#search-results')).toBe(true);
    expect(await page.getAttribute('#search-input', 'aria-expanded')).toBe('false');
  });

  e2e('the chosen environment applies to every tab group, persists across pages, with no flash', async ({ page, context, open }) => {
    await open('/queues/backed-up-channel/');
    const groups = await page.locator('[data-env-tabs]').count();
    expect(groups).toBeGreaterThan(1);
    await page.locator('[data-env-tabs]').first().locator('[role="tab"][data-env="prod"]').click();
    expect(await page.locator('[role="tab"][data-env="prod"][aria-selected="true"]').count()).toBe(groups);
    expect(await page.locator('[role="tab"][data-env="dev"][aria-selected="true"]').count()).toBe(0);
    expect(await page.getAttribute('html', 'data-env')).toBe('prod');
    expect(await page.evaluate(() => localStorage.getItem('rs-env'))).toBe('prod');
    expect(await displayOf(page, '.env-tabs__panel[data-env="prod"]')).toBe('block');
    expect(await displayOf(page, '.env-tabs__panel[data-env="dev"]')).toBe('none');
    expect(await page.isVisible('.env-tabs__panel[data-env="prod"] .env-tabs__warning')).toBe(true);
    // Production is marked red.
    const color = await page.$eval('.env-tabs__tab.is-production', (el) => getComputedStyle(el).color);
    const [r, g, b] = color.match(/\d+/g)!.map(Number);
    expect(r! > 150 && g! < 90 && b! < 90, `production tab colour ${color}`).toBe(true);

    // Keyboard: arrows move between tabs (and select, in every group).
    await page.locator('[data-env-tabs]').first().locator('[role="tab"][data-env="prod"]').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-env'))).toBe('stage');
    expect(await page.locator('[role="tab"][data-env="stage"][aria-selected="true"]').count()).toBe(groups);
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-env'))).toBe('prod');

    // First paint of another page: only the head script and the CSS decide (site.js withheld).
    const other = '/queues/nsqd-host-lost/';
    await context.route('**/assets/site.*.js', (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: '' }));
    await page.goto(nginx!.origin + other, { waitUntil: 'domcontentloaded' });
    expect(await page.getAttribute('html', 'data-env')).toBe('prod');
    expect(await displayOf(page, '.env-tabs__panel[data-env="prod"]')).toBe('block');
    expect(await displayOf(page, '.env-tabs__panel[data-env="dev"]')).toBe('none');
    await context.unroute('**/assets/site.*.js');

    // With the script: the tabs' state follows, after a reload too.
    await page.reload();
    expect(await displayOf(page, '.env-tabs__panel[data-env="prod"]')).toBe('block');
    expect(await page.locator('[role="tab"][data-env="prod"][aria-selected="true"]').count()).toBe(await page.locator('[data-env-tabs]').count());
    expect(await page.getAttribute('[role="tab"][data-env="prod"]', 'tabindex')).toBe('0');
    expect(await page.getAttribute('[role="tab"][data-env="dev"]', 'tabindex')).toBe('-1');
  });

  e2e(
    'copy button copies a Go template exactly and announces it',
    async ({ page, open }) => {
      const source = await fs.readFile('src/queues/nsqd-host-lost.md', 'utf8');
      const expected = /^docker inspect --format '\{\{range .*$/m.exec(source)![0];
      expect(expected).toContain('{{range .Mounts}}');
      await open('/queues/nsqd-host-lost/');
      const block = page.locator('.code-block', { hasText: '{{range .Mounts}}' });
      expect(await page.locator('.article pre').count()).toBe(await page.locator('.article .copy-button').count());
      await block.locator('.copy-button').click();
      await expect.poll(() => block.locator('.copy-button').textContent()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
      await expect.poll(() => page.textContent('#rs-live')).toBe('Copied to clipboard');
      // Long lines scroll sideways instead of wrapping.
      expect(await page.$eval('.article pre', (el) => getComputedStyle(el).whiteSpace)).toBe('pre');
      expect(await page.$eval('.article pre', (el) => getComputedStyle(el).overflowX)).toBe('auto');
    },
    { permissions: ['clipboard-read', 'clipboard-write'] },
  );

  e2e('theme: system, light, dark and back to system; the choice persists after a reload', async ({ page, open }) => {
    await open('/queues/backed-up-channel/');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const label = () => page.getAttribute('.theme-toggle', 'aria-label');
    expect(await bg()).toBe('rgb(255, 255, 255)');
    expect(await label()).toMatch(/^Theme: follow the system\./);
    await page.click('.theme-toggle');
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
    expect(await page.evaluate(() => localStorage.getItem('rs-theme'))).toBe('light');
    await page.click('.theme-toggle');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await label()).toMatch(/^Theme: dark\. Switch to follow the system/);
    const dark = await bg();
    expect(dark).not.toBe('rgb(255, 255, 255)');
    expect(await page.evaluate(() => localStorage.getItem('rs-theme'))).toBe('dark');
    await page.reload({ waitUntil: 'domcontentloaded' });
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await bg()).toBe(dark);
    await axe(page, 'a runbook page in dark mode');
    // Back to following the system: nothing remembered, the system's (light) theme shows.
    await page.click('.theme-toggle');
    expect(await page.getAttribute('html', 'data-theme')).toBe('auto');
    expect(await page.evaluate(() => localStorage.getItem('rs-theme'))).toBeNull();
    expect(await bg()).toBe('rgb(255, 255, 255)');
  });

  e2e(
    'follows a dark system theme until the reader chooses',
    async ({ page, open }) => {
      await open('/');
      expect(await page.getAttribute('html', 'data-theme')).toBe('auto');
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 255, 255)');
      expect(await page.getAttribute('.theme-toggle', 'aria-label')).toMatch(/^Theme: follow the system\./);
    },
    { colorScheme: 'dark' },
  );

  e2e(
    'a 375 px wide phone opens the menu and shows the navigation',
    async ({ page, open }) => {
      await open('/queues/nsqlookupd-unreachable/');
      expect(await page.isVisible('#site-nav')).toBe(false);
      expect(await page.isVisible('.toc')).toBe(false);
      expect(await page.getAttribute('.menu-button', 'aria-expanded')).toBe('false');
      await page.click('.menu-button');
      expect(await page.getAttribute('.menu-button', 'aria-expanded')).toBe('true');
      expect(await page.isVisible('#site-nav')).toBe(true);
      expect(await page.isVisible('.top-nav a[href="/deploys/"]')).toBe(true);
      const current = page.locator('.section-nav [aria-current="page"]');
      expect(await current.isVisible()).toBe(true);
      const box = (await current.boundingBox())!;
      expect(box.y >= 0 && box.y + box.height <= 740, 'current page visible in the open menu').toBe(true);
      // Focus is in the menu, and stays there: Tab and Shift+Tab go round its own links.
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('menu-close');
      const inMenu = () => page.evaluate(() => !!document.activeElement?.closest('#site-nav'));
      const stops = await page.locator('#site-nav a, #site-nav button').count();
      for (let i = 0; i < stops + 2; i++) {
        await page.keyboard.press('Tab');
        expect(await inMenu(), `Tab ${i + 1} stays in the menu`).toBe(true);
      }
      await page.keyboard.press('Shift+Tab');
      expect(await inMenu()).toBe(true);
      expect(await page.evaluate(() => document.querySelector('main')!.inert)).toBe(true);
      await page.keyboard.press('Escape');
      expect(await page.isVisible('#site-nav')).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('menu-button');
      expect(await page.evaluate(() => document.querySelector('main')!.inert)).toBe(false);
      // The Close button closes it too.
      await page.click('.menu-button');
      await page.click('.menu-close');
      expect(await page.isVisible('#site-nav')).toBe(false);
      // No sideways scrolling of the whole page on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    },
    { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
  );

  e2e(
    'the current page is visible in the section nav without scrolling it',
    async ({ page, open }) => {
      await open('/queues/nsqlookupd-unreachable/');
      const nav = (await page.locator('#site-nav').boundingBox())!;
      const cur = (await page.locator('.section-nav [aria-current="page"]').boundingBox())!;
      expect(cur.y >= nav.y && cur.y + cur.height <= nav.y + nav.height, 'current entry inside the visible part of the nav').toBe(true);
    },
    { viewport: { width: 1280, height: 420 } },
  );

  e2e('scrollspy marks the section in view in the sidebar', async ({ page, open }) => {
    await open('/queues/backed-up-channel/');
    await page.locator('#mitigation').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await expect.poll(() => page.getAttribute('.toc a[href="#mitigation"]', 'aria-current')).toBe('true');
    expect(await page.locator('.toc a[aria-current="true"]').count()).toBe(1);
    await page.locator('#impact').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await expect.poll(() => page.getAttribute('.toc a[href="#impact"]', 'aria-current')).toBe('true');
    expect(await page.getAttribute('.toc a[href="#mitigation"]', 'aria-current')).toBeNull();
  });

  e2e('keyboard: Tab reaches the skip link first, and it moves focus to the main content', async ({ page, open }) => {
    await open('/queues/backed-up-channel/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect(await page.isVisible('.skip-link')).toBe(true);
    const box = (await page.locator('.skip-link').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // The heading anchors show when focused.
    const anchor = page.locator('h2 .heading-anchor').first();
    await anchor.focus();
    await expect.poll(() => anchor.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
  });

  e2e('axe: no violations on home, a section, a runbook and the 404 page', async ({ page, open, errors }) => {
    for (const url of ['/', '/queues/', '/queues/backed-up-channel/', '/editing/helpers/']) {
      await open(url);
      await axe(page, url);
    }
    const res = await page.goto(`${nginx!.origin}/no/such/page/`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await axe(page, 'the 404 page');
    // Chromium logs the 404 of the document itself; that one is the point of this visit.
    const expected = errors.findIndex((e) => e.includes('/no/such/page/: console.error: Failed to load resource: the server responded with a status of 404'));
    expect(expected).toBeGreaterThanOrEqual(0);
    errors.splice(expected, 1);
  });

  e2e('every page in the sitemap loads with no console errors', async ({ page }) => {
    const xml = await fs.readFile(path.join(siteDir, 'sitemap.xml'), 'utf8');
    const urls = [...xml.matchAll(/<loc>https?:\/\/[^/]+(\/[^<]*)<\/loc>/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(40);
    for (const url of urls) {
      const res = await page.goto(nginx!.origin + url, { waitUntil: 'load' });
      expect(res?.status(), url).toBe(200);
    }
  });

  e2e('print stylesheet hides navigation, search, sidebar and buttons, and shows external URLs', async ({ page, open }) => {
    await open('/queues/backed-up-channel/');
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.site-header', '#site-nav', '.toc', '.pager', '.copy-button', '.env-tabs__list']) {
      expect(await page.isVisible(sel), sel).toBe(false);
    }
    expect(await page.isVisible('.article h1')).toBe(true);
    // Every environment prints, labelled.
    expect(await displayOf(page, '.env-tabs__panel[data-env="stage"]')).toBe('block');
    // The sample content has no external link: one is added to the article, next to an internal one.
    const after = await page.evaluate(() => {
      const article = document.querySelector('.article')!;
      const external = Object.assign(document.createElement('a'), { href: 'https://status.example.com/incidents' });
      external.textContent = 'status page';
      const internal = Object.assign(document.createElement('a'), { href: '/queues/' });
      internal.textContent = 'queues';
      article.append(external, internal);
      return { external: getComputedStyle(external, '::after').content, internal: getComputedStyle(internal, '::after').content };
    });
    expect(after.external).toBe('" (https://status.example.com/incidents)"');
    expect(after.internal).toBe('none');
  });
});
