// The permalinks stage alone (Metalsmith with just this plugin, pages as the markdown stage leaves
// them): where each page is written, its URL, and the collision message naming both files.
import fs from 'node:fs';
import path from 'node:path';
import Metalsmith from 'metalsmith';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../lib/core/context.ts';
import permalinks from '../../plugins/permalinks.ts';
import { tempDir } from '../helpers/fixtures.ts';

type Out = Record<string, { source?: string; permalink?: string; url?: string; caseUrl?: string }>;

async function run(sources: string[], options: { siteYml?: string; base?: string } = {}) {
  const root = tempDir('permalinks-');
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  if (options.siteYml) fs.writeFileSync(path.join(root, 'site.yml'), options.siteYml);
  const ctx = createContext({ root, base: options.base });
  const files: Metalsmith.Files = {};
  for (const source of sources) {
    files[source.replace(/\.md$/, '.html')] = { source, contents: Buffer.from(`<p>${source}</p>`) };
  }
  const out = (await Metalsmith(root).use(permalinks(ctx)).run(files)) as unknown as Out;
  const problems = ctx.diagnostics.problems.map((p) => `${p.file}:${p.line}  ${p.message}`);
  return { out, problems };
}

describe('permalinks stage', () => {
  it('writes every page as <folder>/<name>/index.html with a root-relative URL; folder pages stay', async () => {
    const { out, problems } = await run(['index.md', 'queues/index.md', 'queues/backlog.md', 'queues/pausing.md']);
    expect(problems).toEqual([]);
    // Pages that do not move keep their place; moved ones follow in path order (later stages list pages in this order).
    expect(Object.keys(out)).toEqual(['index.html', 'queues/index.html', 'queues/backlog/index.html', 'queues/pausing/index.html']);
    expect(out['index.html']).toMatchObject({ permalink: '', url: '/' });
    expect(out['queues/index.html']).toMatchObject({ permalink: 'queues', url: '/queues/' });
    expect(out['queues/backlog/index.html']).toMatchObject({ source: 'queues/backlog.md', permalink: 'queues/backlog', url: '/queues/backlog/' });
  });

  it('slugs every segment, keeps Unicode letters, and drops ? and # from the address', async () => {
    const { out, problems } = await run(['队列/积压.md', 'My Folder/Some Page.md', 'misc/What? #1.md', 'über/Ünïcode Ñame.md']);
    expect(problems).toEqual([]);
    expect(out['队列/积压/index.html']).toMatchObject({ permalink: '队列/积压', url: '/%E9%98%9F%E5%88%97/%E7%A7%AF%E5%8E%8B/' });
    expect(out['my-folder/some-page/index.html']).toMatchObject({ permalink: 'my-folder/some-page', url: '/my-folder/some-page/', caseUrl: '/My-Folder/Some-Page/' });
    expect(out['misc/what-1/index.html']).toMatchObject({ permalink: 'misc/what-1', url: '/misc/what-1/' });
    expect(out['über/ünïcode-ñame/index.html']).toMatchObject({ url: '/%C3%BCber/%C3%BCn%C3%AFcode-%C3%B1ame/', caseUrl: '/%C3%BCber/%C3%9Cn%C3%AFcode-%C3%91ame/' });
  });

  it('a page whose name slugs to "index" keeps its own address (it is not its folder page)', async () => {
    const { out, problems } = await run(['index/index.md', 'tools/Index!.md', 'tools/index.md']);
    expect(problems).toEqual([]);
    expect(out['index/index.html']).toMatchObject({ source: 'index/index.md', permalink: 'index', url: '/index/' });
    expect(out['tools/index/index.html']).toMatchObject({ source: 'tools/Index!.md', permalink: 'tools/index', url: '/tools/index/' });
    expect(out['tools/index.html']).toMatchObject({ source: 'tools/index.md', permalink: 'tools', url: '/tools/' });
  });

  it('two pages at one URL: one error naming both files, the second page left out', async () => {
    const { out, problems } = await run(['a.md', 'a/index.md', 'b/Same-Page.md', 'b/same-page.md']);
    expect(problems).toEqual([
      'src/a/index.md:1  this page and src/a.md would both be published at /a/',
      'src/b/same-page.md:1  this page and src/b/Same-Page.md would both be published at /b/same-page/',
    ]);
    expect(Object.values(out).map((p) => p.source).sort()).toEqual(['a.md', 'b/Same-Page.md']);
  });

  it('under a base path, and with url_case: preserve', async () => {
    const based = await run(['queues/backlog.md'], { base: '/docs/' });
    expect(based.out['queues/backlog/index.html']).toMatchObject({ permalink: 'queues/backlog', url: '/docs/queues/backlog/' });
    const cased = await run(['Alerts/KubePodCrashLooping.md'], { siteYml: 'title: T\nurl_case: preserve\n' });
    expect(cased.out['Alerts/KubePodCrashLooping/index.html']).toMatchObject({ permalink: 'Alerts/KubePodCrashLooping', url: '/Alerts/KubePodCrashLooping/', caseUrl: undefined });
  });
});
