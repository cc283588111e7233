/**
 * Issue 16, on every screen: every page of the site (this repository's src/, plus the 404 page)
 * at 320, 390, 768, 1280 and 1440 px, light and dark, in Debian's Chromium against nginx with
 * deploy/nginx.conf. One browser; one page per width and theme, reused for every URL.
 *
 * What a reader sees is measured in the page: no sideways scrolling of the page; no table wider
 * than its box unless a scroll box of its own holds it; every code block readable in full (it fits,
 * or it scrolls and has a Wrap button, and with wrapping on it fits); the copy button's box never
 * overlaps the first line of the code's text; axe finds nothing. On failure a screenshot of the
 * failing page goes to test/artifacts/phone-<width>-<theme>-<page>.png.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';
import { sharedSite } from '../helpers/shared-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

const ARTIFACTS = path.resolve('test/artifacts');
const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;
const THEMES = ['light', 'dark'] as const;

let tmp: string;
let siteDir: string;
let nginx: Nginx | undefined;
let browser: Browser | undefined;
/** Every page of the site: the sitemap's URLs (root-relative) and the 404 page. */
let urls: string[] = [];
let runbooks: string[] = [];

function slug(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'home';
}

async function context(width: number, theme: 'light' | 'dark'): Promise<BrowserContext> {
  const phone = width < 768;
  // No service worker (offline.test.ts tests it): each context installing one fetched the whole
  // site again and sent every page load through it (docs/decisions.md#test-speed).
  return browser!.newContext({ viewport: { width, height: phone ? 844 : 900 }, colorScheme: theme, isMobile: phone, hasTouch: phone, serviceWorkers: 'block' });
}

async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => undefined);
}

/** Problems a reader would see on the open page, measured in it (empty when there are none). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) out.push(`the page scrolls sideways: ${doc.scrollWidth} px in a ${window.innerWidth} px window`);
    const article = document.querySelector('.article') as HTMLElement | null;
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null;
    const scrollBox = (el: Element): HTMLElement | null => {
      for (let p = el.parentElement; p && p !== article; p = p.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(p).overflowX)) return p;
      }
      return null;
    };
    if (article) {
      const box = article.getBoundingClientRect();
      for (const table of Array.from(article.querySelectorAll('table')).filter(visible)) {
        const r = table.getBoundingClientRect();
        if (r.width <= box.width + 1) continue;
        const own = scrollBox(table);
        if (!own || own.getBoundingClientRect().width > box.width + 1) out.push(`a table ${Math.round(r.width)} px wide in a ${Math.round(box.width)} px article, with no scroll box of its own`);
      }
      for (const pre of Array.from(article.querySelectorAll('pre')).filter(visible)) {
        const label = (pre.textContent ?? '').slice(0, 40);
        if (pre.scrollWidth > pre.clientWidth + 1) {
          const wrap = pre.closest('.code-block')?.querySelector('.wrap-button');
          if (getComputedStyle(pre).overflowX !== 'auto' || !wrap) out.push(`code "${label}" is cut off: it neither fits, nor scrolls with a Wrap button`);
        }
        const button = pre.closest('.code-block')?.querySelector('.copy-button');
        if (!button) {
          out.push(`code "${label}" has no copy button`);
          continue;
        }
        const b = button.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(pre);
        const rects = Array.from(range.getClientRects());
        const firstTop = Math.min(...rects.map((t) => t.top));
        for (const t of rects.filter((t) => t.top < firstTop + 2 && t.width > 0)) {
          if (t.left < b.right && t.right > b.left && t.top < b.bottom && t.bottom > b.top) {
            out.push(`the copy button covers the first line of code "${label}"`);
            break;
          }
        }
      }
    }
    return out;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  // After a resize the page marks boxes that now scroll a frame later (assets/js/tables.js): let it.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource); // not a <script> tag: the page's CSP would block it
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

describe.skipIf(!!skipReason)('every page at every width, light and dark (issue 16)', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-phone-'));
    siteDir = (await sharedSite()).site;
    const xml = await fs.readFile(path.join(siteDir, 'sitemap.xml'), 'utf8');
    urls = [...xml.matchAll(/<loc>https?:\/\/[^/]+(\/[^<]*)<\/loc>/g)].map((m) => m[1]!);
    urls.push('/404.html');
    for (const u of urls) {
      const file = path.join(siteDir, u.endsWith('/') ? `${u}index.html` : u);
      if ((await fs.readFile(file, 'utf8')).includes('page--runbook')) runbooks.push(u);
    }
    ({ nginx, browser } = await serveSite(siteDir, path.join(tmp, 'nginx')));
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('has the whole site to check', () => {
    expect(urls.length).toBeGreaterThan(40);
    expect(runbooks.length).toBeGreaterThan(10);
  });

  // One page per kind of device, reused for every URL and resized to each width (a reload per
  // width and theme made the loop take over 20 minutes on the shared machine): the layout checks at
  // every width; axe on every page at 390 px light and 1280 px dark, and on a runbook and the
  // Alerts page at every other width and theme.
  for (const device of [
    { name: 'phone', widths: [320, 390], axeAll: { width: 390, theme: 'light' } },
    { name: 'desktop', widths: [768, 1280, 1440], axeAll: { width: 1280, theme: 'dark' } },
  ] as const) {
    it(`${device.name} (${device.widths.join(', ')} px), light and dark: no sideways page, tables in their box, code readable, copy never over code, axe clean`, async () => {
      const ctx = await context(device.widths[0], 'light');
      // axe is checked on every page here: loaded with each document instead of evaluated after it (docs/decisions.md#test-speed).
      await ctx.addInitScript({ content: axeSource });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      const problems: string[] = [];
      try {
        for (const url of urls) {
          await page.goto(nginx!.origin + url);
          let shown: (typeof THEMES)[number] = 'light';
          for (const width of device.widths) {
            await page.setViewportSize({ width, height: width < 768 ? 844 : 900 });
            for (const theme of THEMES) {
              const all = device.axeAll.width === width && device.axeAll.theme === theme;
              const axe = all || url === '/alerts/' || url === '/queues/backed-up-channel/';
              // Layout is checked in light only: a theme with nothing to check is not switched to.
              if (theme !== 'light' && !axe) continue;
              if (shown !== theme) await page.emulateMedia({ colorScheme: (shown = theme) });
              const found = theme === 'light' ? await layoutProblems(page) : [];
              if (axe) found.push(...(await axeViolations(page)).map((v) => `axe ${v}`));
              if (found.length) {
                problems.push(...found.map((f) => `${url} at ${width} px ${theme}: ${f}`));
                await shoot(page, `phone-${width}-${theme}-${slug(url)}`);
              }
            }
          }
          if (shown !== 'light') await page.emulateMedia({ colorScheme: 'light' });
        }
        // Wrapping on: every code block of a code-heavy runbook fits its box, at every width.
        await page.goto(`${nginx!.origin}/queues/backed-up-channel/`);
        const wrap = page.locator('.wrap-button').first();
        if ((await wrap.getAttribute('aria-pressed')) !== 'true') await wrap.click();
        for (const width of device.widths) {
          await page.setViewportSize({ width, height: 900 });
          const cut = await page.$$eval('.article pre', (pres) => pres.filter((p) => (p as HTMLElement).offsetParent && p.scrollWidth > p.clientWidth + 1).length);
          if (cut) problems.push(`/queues/backed-up-channel/ at ${width} px: ${cut} code blocks still scroll with wrapping on`);
        }
      } finally {
        await ctx.close();
      }
      expect(problems).toEqual([]);
      expect(errors).toEqual([]);
    }, 900_000);
  }

  it('390 x 844: the first h2 of every runbook is within 500 px of the top; title, severity and owner above it', async () => {
    const ctx = await context(390, 'light');
    const page = await ctx.newPage();
    const far: string[] = [];
    try {
      for (const url of runbooks) {
        await page.goto(nginx!.origin + url);
        const m = await page.evaluate(() => {
          const top = (s: string) => document.querySelector(s)?.getBoundingClientRect().top ?? Infinity;
          return { h2: top('.article h2'), h1: top('.article h1'), severity: top('.runbook-card .badge'), owner: top('.runbook-card__owner') };
        });
        if (!(m.h2 <= 500 && m.h1 < m.h2 && m.severity < m.h2 && m.owner < m.h2)) {
          far.push(`${url}: ${JSON.stringify(m)}`);
          await shoot(page, `phone-first-screen-${slug(url)}`);
        }
      }
    } finally {
      await ctx.close();
    }
    expect(far).toEqual([]);
  }, 120_000);

  it('phone: 44 px touch targets, one-line breadcrumbs, On this page under the title, back to top, header shrinks', async () => {
    const ctx = await context(390, 'light');
    const page = await ctx.newPage();
    try {
      await page.goto(`${nginx!.origin}/queues/backed-up-channel/`);
      const header = await page.evaluate(() => document.querySelector('.site-header')!.getBoundingClientRect().height);
      for (const sel of ['.menu-button', '.theme-toggle', '#search-input', '.copy-button', '.wrap-button', '.env-tabs__tab', '.toc-inline > summary']) {
        const box = (await page.locator(sel).first().boundingBox())!;
        expect(box.height, `${sel} height`).toBeGreaterThanOrEqual(44);
        if (sel !== '#search-input' && sel !== '.toc-inline > summary') expect(box.width, `${sel} width`).toBeGreaterThanOrEqual(44);
      }
      // Breadcrumbs: one line, never the page's own title.
      const crumbs = (await page.locator('.breadcrumbs ol').boundingBox())!;
      expect(crumbs.height).toBeLessThan(36);
      expect(await page.textContent('.breadcrumbs')).not.toContain(await page.textContent('h1'));
      // On this page: under the title, collapsed; opened, its links jump to the section.
      expect(await page.isVisible('.toc')).toBe(false);
      await page.click('.toc-inline > summary');
      await page.click('.toc-inline a[href="#mitigation"]');
      await expect.poll(() => page.evaluate(() => Math.round(document.getElementById('mitigation')!.getBoundingClientRect().top))).toBeLessThan(150);
      // Back to top floats on a long page once a screen down, and takes the reader up.
      expect(await page.isVisible('.back-to-top.is-floating')).toBe(true);
      await page.click('.back-to-top');
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(200);
      // Header: smaller once scrolled down.
      await page.evaluate(() => window.scrollTo(0, 2000));
      await expect.poll(() => page.evaluate(() => document.querySelector('.site-header')!.getBoundingClientRect().height)).toBeLessThan(header);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('identifiers in the Alerts table break only at . _ - / or CamelCase, never mid-word, at 320 px', async () => {
    const ctx = await context(320, 'light');
    const page = await ctx.newPage();
    try {
      await page.goto(`${nginx!.origin}/alerts/`);
      const broken = await page.$$eval('.article td code', (codes) => {
        const bad: string[] = [];
        for (const code of codes) {
          // Each line of the rendered code: a line must start after a break point (or at the start).
          const text = code.textContent ?? '';
          const range = document.createRange();
          const node = code.firstChild;
          let lineTop = -1;
          let offset = 0;
          for (let n: Node | null = node; n; n = n.nextSibling) {
            if (n.nodeType !== Node.TEXT_NODE) continue;
            for (let i = 0; i < (n.textContent ?? '').length; i++) {
              range.setStart(n, i);
              range.setEnd(n, i + 1);
              const top = range.getBoundingClientRect().top;
              if (lineTop >= 0 && top > lineTop + 2) {
                const before = text[offset + i - 1]!;
                const here = text[offset + i]!;
                if (!/[._\-/]/.test(before) && !(/[a-z]/.test(before) && /[A-Z]/.test(here))) bad.push(`${text} breaks at ${text.slice(0, offset + i)}|`);
              }
              lineTop = top;
            }
            offset += (n.textContent ?? '').length;
          }
        }
        return bad;
      });
      expect(broken).toEqual([]);
      // Owners are team names, linked; severities are badges.
      expect(await page.locator('.article td[data-label="Owner"] a[href^="/teams/"]').count()).toBeGreaterThan(5);
      expect(await page.locator('.article td[data-label="Severity"] .badge').count()).toBeGreaterThan(5);
      // Cards on a phone: each cell labelled.
      expect(await page.$eval('.article td[data-label="Owner"]', (td) => getComputedStyle(td, '::before').content)).toBe('"Owner"');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('when the script fails, the page still reads: the remembered environment shows with its tab marked', async () => {
    const ctx = await context(390, 'light');
    const page = await ctx.newPage();
    try {
      await page.goto(`${nginx!.origin}/queues/backed-up-channel/`);
      await page.evaluate(() => localStorage.setItem('rs-env', 'prod'));
      await ctx.route('**/assets/site.*.js', (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: 'throw new Error("broken")' }));
      await page.reload();
      const shown = await page.$$eval('[data-env-tabs]', (groups) =>
        groups.map((g) => ({
          panels: Array.from(g.querySelectorAll('.env-tabs__panel')).filter((p) => getComputedStyle(p).display !== 'none').map((p) => p.getAttribute('data-env')),
          marked: Array.from(g.querySelectorAll('.env-tabs__tab')).filter((t) => getComputedStyle(t).boxShadow !== 'none').map((t) => t.getAttribute('data-env')),
        })),
      );
      expect(shown.length).toBeGreaterThan(1);
      for (const g of shown) expect(g).toEqual({ panels: ['prod'], marked: ['prod'] });
      // Code is wrapped on a phone without any script, so a command reads in full.
      expect(await page.$eval('.article pre', (p) => getComputedStyle(p).whiteSpace)).toBe('pre-wrap');
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
