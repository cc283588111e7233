/**
 * What the two query-set files (test/search/queries.test.ts: this site; queries-bench.test.ts: the
 * 1,000-page benchmark corpus) share: the questions read from a built site, and the search box in
 * Chromium tabs served by nginx. Two files, so the two halves run on both test workers
 * (docs/decisions.md#test-speed).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { decodeHTML } from 'entities';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startNginx, type Nginx } from '../e2e/server.ts';
import { askAll } from './harness.ts';

/** One Chromium and one temporary folder for a test file, set up before its tests and removed after. */
export function browserAndFolder(prefix: string): { browser: () => Browser; tmp: () => string } {
  let tmp: string | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);
  return { browser: () => browser!, tmp: () => tmp! };
}

export interface Query {
  q: string;
  expect: string;
  /** Other pages that are just as right as the first result. */
  also?: string[];
}

/** Every built page's path and <h1> text. */
export async function titles(site: string): Promise<Map<string, string[]>> {
  const byTitle = new Map<string, string[]>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'assets') await walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name === 'index.html') {
        const html = await fs.readFile(path.join(dir, e.name), 'utf8');
        const h1 = /<h1>([\s\S]*?)<\/h1>/.exec(html);
        if (!h1) continue;
        const title = decodeHTML(h1[1]!.replace(/<[^>]+>/g, '')).trim();
        byTitle.set(title, [...(byTitle.get(title) ?? []), rel]);
      }
    }
  };
  await walk(site, '/');
  return byTitle;
}

/** Alert -> page path, from the published alerts.json. */
export async function alerts(site: string): Promise<[string, string][]> {
  const map = JSON.parse(await fs.readFile(path.join(site, 'alerts.json'), 'utf8')) as Record<string, string | { page: string }>;
  return Object.entries(map).map(([a, v]) => [a, new URL(typeof v === 'string' ? v : v.page, 'http://site.invalid').pathname]);
}

export interface Outcome {
  q: string;
  expect: string[];
  got: string[];
}

export async function runAll(pages: Page[], queries: { q: string; expect: string[] }[]): Promise<Outcome[]> {
  const shown = await askAll(pages, queries.map((x) => x.q));
  return queries.map(({ q, expect: e }, i) => ({ q, expect: e, got: shown[i]!.pages }));
}

export const first = (o: Outcome) => o.expect.includes(o.got[0] ?? '');
export const top3 = (o: Outcome) => o.got.slice(0, 3).some((g) => o.expect.includes(g));
export const show = (list: Outcome[]) => list.map((o) => `${JSON.stringify(o.q)}: expected ${o.expect.join(' or ')}, got ${o.got.slice(0, 3).join(', ') || 'nothing'}`);

/** Tabs asking in turn (test/search/harness.ts askAll): their typing pauses overlap. */
export const TABS = 4;

export async function serve(site: string, tmp: string, browser: Browser): Promise<{ nginx: Nginx; page: Page[] }> {
  const nginx = await startNginx(site, path.join(tmp, 'nginx'));
  const page: Page[] = [];
  for (let i = 0; i < TABS; i++) {
    const tab = await browser.newPage();
    await tab.goto(`${nginx.origin}/`);
    page.push(tab);
  }
  return { nginx, page };
}
