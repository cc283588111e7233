/**
 * The links stage reuses the headings stage's scan of each page (lib/markdown/html-scan.ts) instead of
 * parsing it again. Proof that nothing is lost: on every page of the real site, and on the fixture
 * pages with raw HTML and odd headings, the remembered scan equals a fresh parse of the edited HTML.
 */
import Metalsmith from 'metalsmith';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stages } from '../build.ts';
import { createContext } from '../lib/core/context.ts';
import { scanOf } from '../lib/markdown/html-scan.ts';
import type { Files } from '../lib/core/page.ts';
import { scanPage } from '../plugins/links.ts';
import { ROOT } from './helpers/cli.ts';
import { FIXTURES } from './helpers/fixtures.ts';

async function throughHeadings(root: string) {
  const ctx = createContext({ root, layouts: path.join(FIXTURES, '_layouts') });
  const list = stages(ctx);
  const upto = list.findIndex(([n]) => n === 'headings');
  const ms = Metalsmith(root).source(ctx.source).frontmatter(false).metadata({ site: ctx.site });
  const files = (await ms.run(await ms.read(), list.slice(0, upto + 1).map(([, p]) => p))) as unknown as Files;
  return Object.entries(files).filter(([k]) => k.endsWith('.html'));
}

describe('the headings stage scan, reused by the links stage', () => {
  for (const [name, root] of [
    ['the real site', ROOT],
    ['headings fixture', path.join(FIXTURES, 'headings', 'ids')],
    ['links fixture', path.join(FIXTURES, 'links', 'rewrites')],
    ['helpers fixture', path.join(FIXTURES, 'templates', 'helpers')],
  ] as const) {
    it(`equals a fresh parse on every page: ${name}`, async () => {
      const pages = await throughHeadings(root);
      expect(pages.length).toBeGreaterThan(0);
      for (const [key, page] of pages) {
        const remembered = scanOf(page.contents, page.htmlScan);
        expect(remembered, key).toBeDefined();
        const fresh = scanPage(page.contents.toString('utf8'));
        expect({ ids: [...remembered!.ids].sort(), links: remembered!.links }, key).toEqual({ ids: [...fresh.ids].sort(), links: fresh.links });
      }
    });
  }
});
