/**
 * Runbook trees written for other tools build unchanged, and show what the tool shows: one
 * fixture per tool in its own conventions (test/fixtures/pipeline/adopt-<tool>/, also compared whole with
 * expected/ by test/fixtures.test.ts). The expected navigation order, labels, titles and boxes
 * below are what each tool's own site shows for that tree (Hugo Book's menu orders by `weight`
 * and hides `bookHidden`; MkDocs follows `nav:`; Docusaurus orders by `sidebar_position` and
 * `_category_.json`; GitHub lists a folder by file name and shows README.md as its page).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../build.ts';
import { writeProject } from './helpers/cli.ts';
import { buildFixture, tempDir } from './helpers/fixtures.ts';

interface Built {
  result: BuildResult;
  html(url: string): string;
  exists(url: string): boolean;
}

async function built(name: string): Promise<Built> {
  const { result, site } = await buildFixture(name);
  const file = (url: string) => path.join(site, ...url.split('/').filter(Boolean), 'index.html');
  // <wbr> (line-break hints in long code) is not what these tests are about.
  return { result, html: (url) => fs.readFileSync(file(url), 'utf8').replace(/<wbr>/g, ''), exists: (url) => fs.existsSync(file(url)) };
}

/** [label, href] of the links in a part of the fixture layout. */
function links(html: string, part: RegExp): [string, string][] {
  const m = part.exec(html);
  if (!m) return [];
  return [...m[0].matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((l) => [l[2]!, l[1]!]);
}
const topNav = (html: string) => links(html, /<nav class="top">.*?<\/nav>/s);
/** The section's list of pages (without the subsections group), as the section page shows it. */
const sectionList = (html: string) => links(html, /<ul class="section-nav__list">.*?(?=<li class="section-nav__group">|<\/ul><\/nav>)/s);
const h1 = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1];
/** Each callout box: its kind, title and whether it folds. */
const callouts = (html: string) =>
  [...html.matchAll(/<(aside|details) class="callout callout--(\w+)"( open)?[^>]*>\s*(?:<(?:p|summary) class="callout__title">([^<]*)<)?/g)].map((m) => `${m[2]}: ${m[4] ?? '(no title)'}${m[1] === 'details' ? (m[3] ? ' [open]' : ' [folded]') : ''}`);
const article = (html: string) => html.slice(html.indexOf('<main>'), html.indexOf('</main>'));

describe('Hugo (Book theme) tree', () => {
  let b: Built;
  beforeAll(async () => {
    b = await built('adopt-hugo');
  }, 60_000);

  it('builds with no warning: Book fields, weight, linkTitle and type are Hugo fields', () => {
    expect(b.result.problems.map((p) => p.format())).toEqual([]);
  });

  it('orders sections and pages by weight, labels by linkTitle, hides bookHidden, leaves drafts out', () => {
    const home = b.html('/');
    expect(topNav(home)).toEqual([
      ['Kubernetes', '/kubernetes/'],
      ['Databases', '/databases/'],
    ]);
    expect(sectionList(b.html('/databases/'))).toEqual([
      ['Disk full', '/databases/disk-full/'],
      ['PostgreSQL replication lag', '/databases/postgres-replication-lag/'],
    ]);
    expect(sectionList(b.html('/kubernetes/'))).toEqual([
      ['Node not ready', '/kubernetes/node-not-ready/'],
      ['Kube Pod Crash Looping', '/kubernetes/kubepodcrashlooping/'],
    ]);
    expect(b.exists('/databases/old-mysql/')).toBe(true); // bookHidden: built, not in the menu
    expect(b.exists('/databases/redis-eviction/')).toBe(false); // draft
  });

  it('titles: _index.md without a title takes its heading; a page without one its file name', () => {
    expect(h1(b.html('/'))).toBe('Operations handbook');
    expect(h1(b.html('/databases/disk-full/'))).toBe('Disk full on a database host');
    expect(h1(b.html('/kubernetes/kubepodcrashlooping/'))).toBe('Kube Pod Crash Looping');
  });

  it('ref and relref shortcodes become checked links; a shortcode in code stays as written', () => {
    expect(links(b.html('/databases/postgres-replication-lag/'), /<main>.*<\/main>/s)).toEqual([
      ['Disk full', '/databases/disk-full/'],
      ['Node not ready', '/kubernetes/node-not-ready/#mitigation'],
    ]);
    const page = b.html('/kubernetes/node-not-ready/');
    expect(page).toContain('(<a href="/kubernetes/kubepodcrashlooping/">crash loops</a> often follow)');
    expect(page).toContain('<code>{{&lt; ref &quot;x.md&quot; &gt;}}</code>');
  });
});

describe('MkDocs (Material) tree', () => {
  let b: Built;
  beforeAll(async () => {
    b = await built('adopt-mkdocs');
  }, 60_000);

  it('builds with no warning (hide, status are MkDocs fields; mkdocs.yml Python tags are skipped)', () => {
    expect(b.result.problems.map((p) => p.format())).toEqual([]);
  });

  it('follows the nav: of mkdocs.yml for order and labels; a page without a label shows its title', () => {
    expect(topNav(b.html('/'))).toEqual([
      ['Procedures', '/procedures/'],
      ['Alerts', '/alerts/'],
    ]);
    expect(sectionList(b.html('/alerts/'))).toEqual([
      ['Latency', '/alerts/latency/'],
      ['API error rate above 5%', '/alerts/high-error-rate/'],
    ]);
    expect(sectionList(b.html('/procedures/'))).toEqual([
      ['Restoring a backup', '/procedures/restore/'],
      ['Failing over', '/procedures/failover/'],
    ]);
    expect(h1(b.html('/procedures/'))).toBe('Procedures'); // no index.md: the nav section's label
    expect(h1(b.html('/alerts/latency/'))).toBe('p99 latency above 800 ms'); // the page keeps its own title
  });

  it('renders !!! and ??? admonitions as callouts, with their titles, folded or open', () => {
    expect(callouts(b.html('/'))).toEqual(['note: Tip']);
    expect(callouts(b.html('/alerts/high-error-rate/'))).toEqual(['warning: Customer impact', 'note: Why 5%? [folded]']);
    expect(callouts(b.html('/alerts/latency/'))).toEqual(['note: Info [open]']);
    expect(callouts(b.html('/procedures/failover/'))).toEqual(['danger: Data loss']);
    expect(callouts(b.html('/procedures/restore/'))).toEqual(['note: (no title)']);
    // The box's content is Markdown: two paragraphs and a code span.
    expect(article(b.html('/alerts/high-error-rate/'))).toContain('<p>Card payments fail while this fires.</p>\n<p>Tell the support team in <code>#payments-support</code>.</p>\n</aside>');
  });
});

describe('Docusaurus tree', () => {
  let b: Built;
  beforeAll(async () => {
    b = await built('adopt-docusaurus');
  }, 60_000);

  it('builds with no warning (sidebar_*, slug, id, tags, custom_edit_url are Docusaurus fields)', () => {
    expect(b.result.problems.map((p) => p.format())).toEqual([]);
  });

  it('orders by sidebar_position and _category_.json position, labels by sidebar_label and category label', () => {
    expect(topNav(b.html('/'))).toEqual([
      ['Databases', '/databases/'],
      ['Incident response', '/incidents/'],
    ]);
    expect(sectionList(b.html('/incidents/'))).toEqual([
      ['Communicating during an incident', '/incidents/communicate/'],
      ['Declare', '/incidents/declare/'],
    ]);
    expect(h1(b.html('/incidents/declare/'))).toBe('Declaring an incident');
    expect(b.exists('/incidents/internal-notes/')).toBe(true); // sidebar_class_name: hidden
    expect(b.exists('/incidents/old-process/')).toBe(true); // unlisted: built, not listed
    expect(b.exists('/databases/vacuum/')).toBe(false); // draft
    expect(Object.keys(b.result.files).some((k) => k.includes('_category_'))).toBe(false);
  });

  it('an unlisted page is not searchable; a hidden one is', () => {
    const index = Object.keys(b.result.files)
      .filter((k) => k.startsWith('assets/search/'))
      .map((k) => b.result.files[k]!.contents.toString())
      .join('\n');
    expect(index).toContain('incidents/internal-notes/');
    expect(index).not.toContain('incidents/old-process/');
  });

  it('renders ::: admonitions with their titles as callouts', () => {
    expect(callouts(b.html('/incidents/declare/'))).toEqual(['warning: Before you start', 'note: Who can declare']);
    expect(callouts(b.html('/incidents/communicate/'))).toEqual(['note: Tip']);
    expect(callouts(b.html('/databases/failover/'))).toEqual(['danger: Data loss', 'note: Note']);
  });
});

describe('GitHub (plain Markdown) tree', () => {
  let b: Built;
  beforeAll(async () => {
    b = await built('adopt-github');
  }, 60_000);

  it('builds with no warning', () => {
    expect(b.result.problems.map((p) => p.format())).toEqual([]);
  });

  it('README.md is the folder page; folders and files listed by name; titles from headings or CamelCase names', () => {
    expect(h1(b.html('/'))).toBe('On-call handbook');
    expect(topNav(b.html('/'))).toEqual([
      ['Alert runbooks', '/alerts/'],
      ['Guides', '/guides/'],
    ]);
    expect(sectionList(b.html('/alerts/'))).toEqual([
      ['Disk Space Low', '/alerts/diskspacelow/'],
      ['High CPU usage', '/alerts/highcpuusage/'],
    ]);
    // Links to a folder and to its README.md both reach the folder's page.
    expect(links(b.html('/'), /<main>.*?<h2/s)).toEqual([
      ['the alert runbooks', '/alerts/'],
      ['the guides', '/guides/'],
    ]);
  });

  it('renders GitHub alerts as callouts (CAUTION red, WARNING amber) and leaves plain quotes alone', () => {
    expect(callouts(b.html('/'))).toEqual(['note: Note']);
    expect(callouts(b.html('/alerts/highcpuusage/'))).toEqual(['danger: Caution']);
    expect(callouts(b.html('/alerts/diskspacelow/'))).toEqual(['warning: Warning', 'note: Important']);
    const guide = b.html('/guides/first-week-on-call/');
    expect(callouts(guide)).toEqual(['note: Tip']);
    expect(guide).toContain('<blockquote>\n<p>This is an ordinary quote, not an alert.</p>\n</blockquote>');
  });
});

describe('URL case (site.yml url_case)', () => {
  it('by default URLs are lowercase and the file name’s own case leads there', async () => {
    const { result, site } = await buildFixture('adopt-github');
    expect(result.files['alerts/diskspacelow/index.html']).toBeDefined();
    const redirect = fs.readFileSync(path.join(site, 'alerts', 'DiskSpaceLow', 'index.html'), 'utf8');
    expect(redirect).toContain('<link rel="canonical" href="/alerts/diskspacelow/">');
    expect(redirect).toContain('<meta http-equiv="refresh" content="0; url=/alerts/diskspacelow/">');
    // A page whose name is already lowercase gets no second address.
    expect(fs.existsSync(path.join(site, 'guides', 'First-week-on-call'))).toBe(false);
  }, 60_000);

  it('url_case: preserve keeps the file name’s case in the URL, with no redirect', async () => {
    const dir = tempDir('url-case-');
    writeProject(dir, {
      'site.yml': 'title: Case\nurl_case: preserve\n',
      'layouts/default.hbs': '{{{nav.top}}}{{{content}}}',
      'src/index.md': '# Home\n\nSee [the alert](alerts/KubePodCrashLooping.md).\n',
      'src/alerts/KubePodCrashLooping.md': '# Pods crash looping\n',
    });
    const result = await build({ root: dir, destination: path.join(dir, 'out') });
    expect(result.files['alerts/KubePodCrashLooping/index.html']).toBeDefined();
    expect(result.files['alerts/kubepodcrashlooping/index.html']).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, 'out', 'index.html'), 'utf8')).toContain('<a href="/alerts/KubePodCrashLooping/">the alert</a>');
  }, 60_000);
});
