/**
 * The search box as a reader uses it (issue 13), in Chromium against the built site on nginx:
 * Ctrl+K / Cmd+K / `/` open it (not while typing in another field), results grouped by page with
 * breadcrumb and severity badge (an alert's runbook before the snippets arrive), "No results" names the missing words and offers the Alerts index
 * and the sections, Tab out and Esc close it; on a phone it fills the screen, its input is at least
 * 16 px, it has a close button, and axe finds no violations with it open.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../build.ts';
import { missingTools, type Nginx } from '../e2e/server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';

const skipReason = missingTools();
const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

let tmp: string;
let nginx: Nginx;
let browser: Browser;

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (d: Document) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document);
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function open(width: number, height: number, url = '/queues/', bypassCSP = false): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  // bypassCSP only where axe's own script is added to the page.
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: width < 768, isMobile: width < 768, bypassCSP });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(nginx.origin + url);
  return { page, errors, close: () => context.close() };
}

describe.skipIf(!!skipReason)('the search box', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-search-ui-'));
    await build({ root: process.cwd(), destination: path.join(tmp, 'site') });
    ({ nginx, browser } = await serveSite(path.join(tmp, 'site'), path.join(tmp, 'nginx')));
  }, 120_000);
  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('Ctrl+K and Cmd+K open it, but not while the reader types in another field; results are grouped by page', async () => {
    const { page, errors, close } = await open(1280, 800);
    try {
      await page.keyboard.press('Control+k');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
      await page.keyboard.press('Escape');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Meta+k');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
      // Another field has the focus: its keys are its own.
      await page.evaluate(() => {
        const f = document.createElement('input');
        f.id = 'other-field';
        document.querySelector('main')!.prepend(f);
        f.focus();
      });
      await page.keyboard.press('Control+k');
      await page.keyboard.type('/x');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('other-field');
      expect(await page.inputValue('#other-field')).toBe('/x');

      await page.keyboard.press('Control+k'); // still in the field: nothing
      await page.click('#search-input');
      await page.fill('#search-input', 'nsq.channel.depth.high');
      const head = page.locator('#search-results[data-query="nsq.channel.depth.high"] .search__result--page').first();
      await head.waitFor();
      expect(await head.locator('.search__page').textContent()).toBe('A channel is backing up');
      expect(await head.locator('.search__crumb').textContent()).toBe('Queues (NSQ)');
      expect(await head.locator('.badge').textContent()).toBe('critical');
      expect(await head.locator('.search__snippet mark').count()).toBeGreaterThan(0);
      // Each page once.
      const titles = await page.$$eval('#search-results .search__result--page .search__page', (els) => els.map((e) => e.textContent));
      expect(new Set(titles).size).toBe(titles.length);
      // Tab out of the box closes it.
      await page.focus('#search-input');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.waitForFunction(() => !document.querySelector('.search')!.classList.contains('is-open'));
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it("an alert's name shows its runbook before the snippets' piece has arrived, then the snippets; Enter opens it", async () => {
    const { page, errors, close } = await open(390, 844);
    try {
      // The pieces with the snippets (chunks) are held back until the first result has been read.
      const held: (() => Promise<void>)[] = [];
      let release = false;
      await page.route(/\/assets\/search\/c\d+\.[0-9a-f]+\.js$/, (route) => (release ? route.continue() : void held.push(() => route.continue())));
      await page.keyboard.press('/');
      await page.fill('#search-input', 'nsq.channel.depth.high');
      const head = page.locator('#search-results[data-shown="nsq.channel.depth.high"] .search__result--page').first();
      await head.waitFor();
      expect(await head.locator('.search__page').textContent()).toBe('A channel is backing up');
      expect(await head.locator('.search__crumb').textContent()).toBe('Queues (NSQ)');
      expect(await head.locator('.badge').textContent()).toBe('critical');
      expect(new URL((await head.getAttribute('href'))!, nginx.origin).pathname).toBe('/queues/backed-up-channel/');
      expect(await head.locator('.search__snippet mark').count()).toBe(0);
      expect(await page.getAttribute('#search-results', 'data-query')).toBeNull();
      expect(held.length).toBeGreaterThan(0);
      release = true;
      for (const go of held) await go();
      await page.locator('#search-results[data-query="nsq.channel.depth.high"] .search__snippet mark').first().waitFor();
      expect(await page.locator('#search-results .search__result--page .search__page').first().textContent()).toBe('A channel is backing up');
      expect(await page.getAttribute('#search-results [role="option"] >> nth=0', 'aria-selected')).toBe('true');
      await Promise.all([page.waitForURL('**/queues/backed-up-channel/'), page.keyboard.press('Enter')]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it('"No results" says which words were not found and offers the Alerts index and the sections', async () => {
    const { page, errors, close } = await open(1280, 800);
    try {
      await page.keyboard.press('/');
      await page.fill('#search-input', 'zzqx channel');
      await page.waitForSelector('#search-empty:not([hidden])');
      expect(await page.textContent('#search-empty .search__missing')).toContain('“zzqx”');
      const links = await page.$$eval('#search-empty a', (as) => as.map((a) => [a.textContent, new URL((a as HTMLAnchorElement).href).pathname]));
      expect(links[0]).toEqual(['Alerts index', '/alerts/']);
      expect(links.map((l) => l[1])).toContain('/queues/');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it('on a phone: full screen, input at least 16 px, a close button, Esc closes, axe finds nothing', async () => {
    const { page, errors, close } = await open(390, 844, '/queues/backed-up-channel/', true);
    try {
      await page.tap('#search-input');
      await page.fill('#search-input', 'rollback');
      await page.locator('#search-results[data-query="rollback"] [role="option"]').first().waitFor();
      const box = await page.locator('.search').boundingBox();
      expect(box).toMatchObject({ x: 0, y: 0, width: 390 });
      expect(box!.height).toBeGreaterThan(600);
      const panel = await page.locator('.search__panel').boundingBox();
      expect(panel!.height).toBeGreaterThan(500);
      expect(parseFloat(await page.$eval('#search-input', (e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(16);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      expect(await page.locator('.search').evaluate((e) => e.classList.contains('is-fullscreen'))).toBe(false);
      await page.tap('#search-input');
      expect(await page.isVisible('.search__close')).toBe(true);
      await page.tap('.search__close');
      expect(await page.locator('.search').evaluate((e) => e.classList.contains('is-open'))).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
