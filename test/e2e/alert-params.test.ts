/**
 * Issue 15 in Chromium: the runbook opened from an alert's permanent URL with the alert's labels
 * (`?env=prod&topic=api&channel=...`) through the redirect page: prod selected in every tab group
 * without changing the remembered choice, the declared placeholders filled as text and marked,
 * the copy button copying the filled command (read back from the clipboard), a hostile value kept
 * as text. Plain static server (no redirects), so the redirect page's script does the work.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, missingTools } from './server.ts';
import { sharedSite } from '../helpers/shared-site.ts';

const skipReason = missingTools();
let server: http.Server | undefined;
let origin = '';
let browser: Browser | undefined;

describe.skipIf(!!skipReason)('the alert context in the page (Chromium)', () => {
  beforeAll(async () => {
    const root = await fs.realpath((await sharedSite()).site);
    server = http.createServer(async (req, res) => {
      const p = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
      try {
        const body = await fs.readFile(path.join(root, p.endsWith('/') ? `${p}index.html` : p));
        res.writeHead(200, { 'content-type': p.endsWith('.js') ? 'application/javascript' : p.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('?env=prod&topic=...: prod everywhere, placeholders filled as text, the filled command copied', async () => {
    const context = await browser!.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const hostile = '<img src=x onerror=alert(1)>"\'';
      await page.goto(`${origin}/alerts/nsq.channel.depth.high/?env=prod&topic=api&channel=${encodeURIComponent(hostile)}&undeclared=zzz#diagnosis`);
      await page.waitForURL(/\/queues\/backed-up-channel\/\?env=prod/);
      await page.waitForSelector('.rs-param.is-filled', { state: 'attached' });
      const selected = await page.$$eval('[data-env-tabs]', (groups) => groups.map((g) => g.querySelector('[aria-selected="true"]')?.getAttribute('data-env')));
      expect(selected.length).toBeGreaterThan(2);
      expect(new Set(selected)).toEqual(new Set(['prod']));
      expect(await page.evaluate(() => localStorage.getItem('rs-env'))).toBeNull(); // not remembered
      const filled = await page.$$eval('.env-tabs__panel[data-env="prod"] .rs-param', (s) => s.map((x) => [x.textContent, x.className, x.getAttribute('title')]));
      expect(filled).toEqual([
        ['api', 'rs-param is-filled', 'from the alert'],
        [hostile, 'rs-param is-filled', 'from the alert'],
      ]);
      expect(await page.locator('img[src="x"]').count()).toBe(0); // the hostile value stayed text
      expect(await page.textContent('.alert-context')).toContain('From the alert: topic = api, channel = ');
      expect(await page.content()).not.toContain('zzz');
      const panel = page.locator('.env-tabs__panel[data-env="prod"]', { has: page.locator('.rs-param') });
      await panel.locator('.copy-button').click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(`nsq_stat --lookupd-http-address=nsqlookupd-1.prod.internal:4161 --topic=api --channel=${hostile} --count=5`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('without parameters the placeholders stay {topic} and the remembered environment is used', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/queues/backed-up-channel/`);
      expect(await page.$$eval('.env-tabs__panel[data-default] .rs-param', (s) => s.map((x) => x.textContent))).toEqual(['{topic}', '{channel}']);
      expect(await page.locator('.alert-context').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
