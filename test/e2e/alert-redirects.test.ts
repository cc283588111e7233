/**
 * Issue 15: every alert's permanent URL ends on its runbook, for real.
 * - Debian's nginx with deploy/nginx.conf (and the map file the build wrote): `/alerts/<name>/`, in
 *   its exact case and in lowercase, answers 301 to the runbook, query string kept.
 * - A plain static server that knows no redirects (every file as it is, a folder's index.html):
 *   in Chromium the redirect page goes on to the runbook keeping `?env=prod` and `#mitigation`;
 *   with JavaScript off it still gets there (without the query).
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSegment } from '../../lib/alerts/urls.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';
import { sharedSite } from '../helpers/shared-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

let tmp: string;
let siteDir: string;
let nginx: Nginx | undefined;
let plain: http.Server | undefined;
let plainOrigin = '';
let browser: Browser | undefined;
let alerts: Record<string, { url: string; page: string }>;

/** A static server with no configuration at all: files as they are, `dir/` -> `dir/index.html`. */
function plainServer(root: string): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const file = path.join(root, p.endsWith('/') ? `${p}index.html` : p);
    try {
      const body = await fs.readFile(file);
      const type = file.endsWith('.html') ? 'text/html; charset=utf-8' : file.endsWith('.js') ? 'application/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One request, redirects not followed. */
function get(origin: string, url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http.get(origin + url, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, location: res.headers.location });
    }).on('error', reject);
  });
}

describe.skipIf(!!skipReason)('permanent alert URLs on nginx and on a plain static server', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-alert-links-'));
    const result = await sharedSite();
    siteDir = result.site;
    // The shipped example rule files (site.yml alert_rules:) cover every alert of the site.
    expect(result.problems.filter((p) => p.code.startsWith('alert-rules/'))).toEqual([]);
    expect(result.alertLinksSummary).toMatch(/^24 of 24 alerts have a runbook /);
    alerts = JSON.parse(await fs.readFile(path.join(siteDir, 'alerts.json'), 'utf8'));
    ({ nginx, browser } = await serveSite(siteDir, path.join(tmp, 'nginx')));
    plain = await plainServer(await fs.realpath(siteDir));
    const a = plain.address();
    plainOrigin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    await new Promise((r) => (plain ? plain.close(r) : r(undefined)));
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('the site has alerts in both cases to prove it with', () => {
    const names = Object.keys(alerts);
    expect(names.length).toBeGreaterThan(20);
    expect(names).toContain('NsqdDown');
  });

  it('nginx: every alert, exact case and lowercase, with and without the slash, 301s to its runbook with the query kept', async () => {
    let checked = 0;
    for (const [name, { page }] of Object.entries(alerts)) {
      const pagePath = new URL(page).pathname;
      for (const seg of new Set([alertSegment(name), alertSegment(name.toLowerCase())])) {
        for (const url of [`/alerts/${seg}/`, `/alerts/${seg}/?env=prod&topic=api`, `/alerts/${seg}`]) {
          const r = await get(nginx!.origin, url);
          expect(r.status, url).toBe(301);
          expect(r.location, url).toBe(url.includes('?') ? `${pagePath}?env=prod&topic=api` : pagePath);
          checked++;
        }
      }
      expect((await get(nginx!.origin, pagePath)).status, pagePath).toBe(200);
    }
    expect(checked).toBeGreaterThan(60);
    expect(await get(nginx!.origin, '/alerts/NSQDDOWN/')).toEqual({ status: 301, location: new URL(alerts['NsqdDown']!.page).pathname });
    expect((await get(nginx!.origin, '/alerts/NoSuchAlert/')).status).toBe(404);
  });

  it('plain static server, Chromium: the redirect page ends on the runbook keeping ?env=prod and #mitigation', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      for (const name of ['nsq.channel.depth.high', 'NsqdDown']) {
        const target = new URL(alerts[name]!.page).pathname;
        for (const seg of [alertSegment(name), alertSegment(name.toLowerCase())]) {
          await page.goto(`${plainOrigin}/alerts/${seg}/?env=prod#mitigation`);
          await page.waitForURL(`${plainOrigin}${target}?env=prod#mitigation`);
          expect(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash).toBe(`${target}?env=prod#mitigation`);
          expect(await page.locator('h1').count()).toBe(1);
        }
      }
    } finally {
      await context.close();
    }
  });

  it('plain static server, JavaScript off: the page still gets to the runbook', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const target = new URL(alerts['NsqdDown']!.page).pathname;
      await page.goto(`${plainOrigin}/alerts/NsqdDown/`);
      await page.waitForURL(`${plainOrigin}${target}`);
      expect(await page.textContent('h1')).toBe('An nsqd host was lost');
    } finally {
      await context.close();
    }
  });
});
