/**
 * No script from content on any published page (issue 12): a project whose front matter, site.yml,
 * file and folder names, page bodies, links, alert, service and team names are all hostile is built
 * with the real layouts and assets, served by nginx, and every page it publishes is opened in
 * Chromium with the Content-Security-Policy switched off (so escaping and sanitizing are tested on
 * their own, without the safety net). Every payload calls window.__pwned(id) or alert(): any call,
 * any dialog, fails. After loading, the DOM must hold no event-handler attribute, no script,
 * iframe, object, embed or form from content, and no javascript:, vbscript: or data: URL.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../../build.ts';
import { missingTools, type Nginx } from './server.ts';
import { closeSite, serveSite } from '../helpers/served-site.ts';

const skipReason = missingTools();
if (skipReason) console.warn(skipReason);

/** An HTML payload that reports `id` when it runs. */
const img = (id: string) => `<img src=x onerror=__pwned('${id}')>`;
const script = (id: string) => `<script>__pwned('${id}')</script>`;

const SITE_YML = `title: "Runbooks ${img('site-title')}"
description: "${script('site-description')}"
url: https://runbooks.example.com
repository:
  url: 'https://github.com/example/x"><img src=x onerror=__pwned(1)>'
  branch: "main\\"><svg onload=__pwned('branch')>"
runbook_sections: [queues, "${'<svg onload=__pwned(2)>'}"]
environments:
  - id: dev
    name: "dev ${img('env-name')}"
    account: "[click](javascript:__pwned('env-account'))"
    account_id: "${script('env-account-id')}"
    role: "arn:aws:iam::1:role/x\\"><img src=x onerror=__pwned('env-role')>"
    cluster: "</code></pre><img src=x onerror=__pwned('env-cluster')>"
    region: "us-west-2"
    bastion: "javascript:__pwned('env-bastion')"
    production: false
  - id: prod
    name: "prod ${script('env-prod-name')}"
    account: "{{> secret}}"
    account_id: "333"
    role: role
    cluster: prod
    region: r
    bastion: b
    production: true
teams:
  - id: platform
    name: "Platform ${img('team-name')}"
    slack: "#ops\`${img('team-slack')}\`|x"
    pager: "[pager](javascript:__pwned('team-pager'))"
  - id: other
    name: "</td></tr></table>${script('team-name-2')}"
`;

const RUNBOOK = `---
title: "${img('title')}"
description: "\\"><script>__pwned('description')</script>"
owner: platform
severity: critical
services:
  - "${img('service')}"
  - "svc\`${img('service-backtick')}\`x"
  - "a|b\\n${script('service-newline')}"
  - "{{> secret}}"
alerts:
  - "alert\`${img('alert-backtick')}\`x"
  - "alert|${script('alert-pipe')}"
  - "[x](javascript:__pwned('alert-link'))"
last_reviewed: 2020-01-01
---

## &lt;img src=x onerror=__pwned('heading-entity')&gt;

Text with {{env "dev" "name"}}, {{env "dev" "account"}} and {{env "prod" "name"}} in it.

{{env-command "aws --cluster {cluster} --role {role} --account {account_id}"}}

{{#callout "warning" title="${img('callout-title').replace(/'/g, '&#39;')}"}}
Body of the callout.
{{/callout}}

## Next

[Other page](other.md)
`;

const OTHER = `---
title: "</title><script>__pwned('title-2')</script>"
description: "${img('description-2')}"
owner: other
severity: warning
services: ["${img('service')}"]
alerts: ["second\`alert"]
last_reviewed: 2026-11-01
---

Back to [the first](first.md).
`;

/** Raw HTML a page body may hold: each runs __pwned or alert if it survives. */
const BODY = [
  script('script'),
  `<img src=https://x.invalid/a.png onerror=__pwned('img-onerror')>`,
  `<svg onload=__pwned('svg')><circle r=1 /></svg>`,
  `<details open ontoggle=__pwned('ontoggle')><summary>s</summary>x</details>`,
  `<input autofocus onfocus=__pwned('autofocus')>`,
  `<iframe srcdoc="<script>parent.__pwned('srcdoc')</script>"></iframe>`,
  `<iframe src="javascript:parent.__pwned('iframe-js')"></iframe>`,
  `<object data="javascript:__pwned('object')"></object><embed src="javascript:__pwned('embed')">`,
  `<form action="javascript:__pwned('form')"><button formaction="javascript:__pwned('button')">b</button></form>`,
  `<a href="javascript:__pwned('a-js')">a</a> <a href=" JaVaScRiPt:__pwned('a-case')">b</a> <a href="jav&#x09;ascript:__pwned('a-tab')">c</a>`,
  `<a href="data:text/html,<script>alert('data')</script>">d</a> <a href="vbscript:msgbox(1)">v</a>`,
  `<img src="data:image/svg+xml,<svg onload=alert('data-img')>">`,
  `<math><mtext><table><mglyph><style><img src=https://x.invalid/ onerror=__pwned('mxss-math')></style></mglyph></table></mtext></math>`,
  `<noscript><p title="</noscript><img src=https://x.invalid/ onerror=__pwned('noscript')>"></noscript>`,
  `<style>@import 'x.css';</style><div style="background:url(javascript:__pwned('style'))">s</div>`,
  `<meta http-equiv="refresh" content="0;url=javascript:__pwned('meta')">`,
  `<base href="javascript:__pwned('base')//">`,
  `<link rel="stylesheet" href="javascript:__pwned('link')">`,
  `<video><source onerror=__pwned('video')></video><audio src=https://x.invalid/a.mp3 onerror=__pwned('audio')></audio>`,
  `<marquee onstart=__pwned('marquee')>m</marquee><body onload=__pwned('body')>`,
  `<!--><img src=https://x.invalid/ onerror=__pwned('comment')>-->`,
  `<title><img src=https://x.invalid/ onerror=__pwned('title-tag')></title><textarea><img src=https://x.invalid/ onerror=__pwned('textarea')></textarea>`,
  `<xmp><img src=https://x.invalid/ onerror=__pwned('xmp')></xmp>`,
  `<table><td><img src=https://x.invalid/ onerror=__pwned('td')></td></table>`,
  `<a href="#" onclick="__pwned('onclick')" id="clickme">click</a> <kbd onmouseover=__pwned('kbd')>K</kbd>`,
  '',
  `[md link](javascript:__pwned('md-link')) [entity](&#106;avascript:__pwned('md-entity')) <javascript:__pwned('autolink')>`,
  '',
  `![md image](javascript:__pwned('md-img')) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  '',
  '<details><summary>Kept</summary>\n\nStill <kbd>here</kbd><sup>1</sup>, <img src="https://example.com/x.png" alt="x">.\n\n</details>',
].join('\n');

const FILES: Record<string, string> = {
  'site.yml': SITE_YML,
  'src/index.md': '---\ntitle: Home\n---\n\nStart from a section.\n',
  'src/queues/index.md': `---\ntitle: "Queues ${img('section-title')}"\ndescription: "${script('section-description')}"\n---\n\nThe queues.\n`,
  'src/queues/first.md': RUNBOOK,
  'src/queues/other.md': OTHER,
  // A file name and a folder name are text too: they become titles, URLs and edit links.
  [`src/<svg onload=__pwned('folder')>/"><img src=x onerror=__pwned('filename')>.md`]: 'No front matter: the title comes from the file name.\n',
  [`src/<svg onload=__pwned('folder')>/index.md`]: 'A folder named with markup.\n',
  [`src/<svg onload=__pwned('folder')>/page.md`]: '# A page in it\n\nText.\n',
  'partials/secret.md': 'SECRET PARTIAL TEXT',
  // Raw HTML in a body, the way GitHub's preview would show it harmless (and a partial with some).
  'src/notes/raw-html.md': `---\ntitle: Raw HTML\n---\n\n${BODY}\n\n{{> hostile}}\n`,
  'partials/hostile.md': `Included: <img src=https://x.invalid/ onerror=__pwned('partial')> <svg onload=__pwned('partial-svg')>\n`,
};

let tmp: string;
let root: string;
let result: BuildResult;
let nginx: Nginx | undefined;
let browser: Browser | undefined;

async function htmlFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await htmlFiles(full, base)));
    else if (e.name.endsWith('.html')) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** What a loaded page holds that could run script, or came from content and should not be there. */
function liveMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const own = (el: Element) => el.closest('head') !== null || /^\/__rs\//.test(el.getAttribute('src') ?? '');
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) found.push(`<${el.localName} ${a.name}="${a.value}">`);
        if (/^(href|src|action|formaction|xlink:href|data|srcdoc|background|poster)$/i.test(a.name) && /^\s*(javascript|vbscript|data):/i.test(a.value) && !(el.localName === 'link' && a.name === 'href' && own(el))) {
          found.push(`<${el.localName} ${a.name}="${a.value}">`);
        }
      }
      if (/^(script|iframe|object|embed|form|frame|frameset|base|meta|link|style)$/.test(el.localName) && !own(el)) found.push(`<${el.localName}> in the body`);
    }
    return found;
  });
}

describe.skipIf(!!skipReason)('no script from content runs on any published page', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rs-no-script-'));
    root = path.join(tmp, 'project');
    for (const dir of ['layouts', 'assets', 'templates']) await fs.cp(path.resolve(dir), path.join(root, dir), { recursive: true });
    for (const [rel, text] of Object.entries(FILES)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    }
    result = await build({ root, destination: path.join(tmp, 'site') });
    ({ nginx, browser } = await serveSite(path.join(tmp, 'site'), path.join(tmp, 'nginx')));
  }, 120_000);

  afterAll(async () => {
    await closeSite({ browser, nginx });
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('builds every page type from the hostile input', async () => {
    const pages = await htmlFiles(path.join(tmp, 'site'));
    for (const kind of ['index.html', '404.html', 'queues/index.html', 'teams/index.html', 'teams/platform/index.html', 'services/index.html', 'alerts/index.html']) {
      expect(pages).toContain(kind);
    }
    expect(pages).toContain('notes/raw-html/index.html');
    expect(pages.length).toBeGreaterThanOrEqual(14);
    expect(result.pages).toBeGreaterThanOrEqual(12);
  });

  it('runs no payload on any page, with the CSP switched off, and leaves no live markup', async () => {
    const context = await browser!.newContext({ bypassCSP: true });
    const ran: string[] = [];
    await context.exposeFunction('__reportPwned', (id: string) => ran.push(id));
    await context.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__pwned = (id: unknown) => (w.__reportPwned as (s: string) => void)(`${String(id)} at ${location.pathname}`);
    });
    const dialogs: string[] = [];
    context.on('page', (p) => p.on('dialog', (d) => {
      dialogs.push(`${p.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    }));
    try {
      const page = await context.newPage();
      const live: string[] = [];
      for (const rel of await htmlFiles(path.join(tmp, 'site'))) {
        const url = `/${rel.split('/').map(encodeURIComponent).join('/').replace(/index\.html$/, '')}`;
        await page.goto(nginx!.origin + url, { waitUntil: 'load' });
        // Open what could fire a handler on interaction, and wait until each has fired its toggle
        // event (a handler attribute that survived would run first), not a fixed pause.
        await page.evaluate(() =>
          Promise.all(
            Array.from(document.querySelectorAll('details'))
              .filter((d) => !d.open)
              .map((d) => new Promise((fired) => {
                d.addEventListener('toggle', fired, { once: true });
                d.setAttribute('open', '');
              })),
          ),
        );
        live.push(...(await liveMarkup(page)).map((m) => `${rel}: ${m}`));
        expect(await page.content(), `${rel} shows no partial included through front matter`).not.toContain('SECRET PARTIAL TEXT');
      }
      // Handlers that need a reader's action, each element clicked on this page: a link's page load
      // is cancelled (every page was loaded above), so the next click is not on another page, where
      // it waited out its timeout; an element not shown cannot be clicked, and is not waited for.
      const rawPage = `${nginx!.origin}/notes/raw-html/`;
      await page.route('**/*', (route) => {
        const r = route.request();
        return r.isNavigationRequest() && r.frame() === page.mainFrame() && r.url() !== rawPage ? route.abort('aborted') : route.continue();
      });
      await page.goto(rawPage);
      for (const sel of ['#clickme', 'kbd', 'a', 'summary']) {
        for (const el of await page.locator(`main ${sel}`).all()) {
          if (await el.isVisible()) await el.click({ timeout: 1000, noWaitAfter: true }).catch(() => undefined);
        }
        await page.goto(rawPage);
      }
      await page.unroute('**/*');
      expect(await page.locator('main details summary', { hasText: 'Kept' }).count(), 'allowed HTML stays').toBe(1);
      expect(await page.locator('main kbd', { hasText: 'here' }).count()).toBe(1);
      expect(await page.locator('main img[src="https://example.com/x.png"]').count()).toBe(1);

      // Search results are built in the browser from titles, headings and text.
      await page.goto(`${nginx!.origin}/`);
      for (const query of ['onerror', 'pwned', 'script', 'img']) {
        await page.fill('#search-input', query);
        // The list marks the query it shows once whole (test/search/harness.ts waits the same way).
        await page.waitForFunction((q) => document.getElementById('search-results')?.getAttribute('data-query') === q, query);
        live.push(...(await liveMarkup(page)).map((m) => `search "${query}": ${m}`));
      }
      // Anything the results could still load (an image's error handler) has finished.
      await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
      expect(ran, 'payloads that ran').toEqual([]);
      expect(dialogs, 'dialogs opened').toEqual([]);
      expect(live, 'live markup from content').toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('shows each hostile value as the text that was typed', async () => {
    const site = path.join(tmp, 'site');
    const services = await fs.readFile(path.join(site, 'services/index.html'), 'utf8');
    expect(services).toContain("&lt;img src=x onerror=__pwned(&#39;service&#39;)&gt;");
    const alerts = (await fs.readFile(path.join(site, 'alerts/index.html'), 'utf8')).replace(/<wbr>/g, '');
    expect(alerts).toMatch(/<code>alert`&lt;img src=x onerror=__pwned\((&#39;|')alert-backtick(&#39;|')\)&gt;`x<\/code>/);
    expect(alerts).toMatch(/<code>alert\|&lt;script&gt;__pwned\((&#39;|')alert-pipe(&#39;|')\)&lt;\/script&gt;<\/code>/);
  });
});
