/**
 * Links stage (after permalinks, when every page's URL and every heading id is known):
 * - a link or image written as a source path (`../deploys/rollback.md#mitigation`, `diagram.png`)
 *   is rewritten to the root-relative URL it is published at (`/deploys/rollback/#mitigation`,
 *   under the base path: `/infra-runbooks/deploys/rollback/#mitigation`); so is a root-relative
 *   link written without the base path (`/deploys/rollback/`);
 * - a link or image inside the site whose page, file or #anchor does not exist is reported at the
 *   line of the Markdown source that wrote it, naming the missing target.
 * External links (any `scheme:` URL) are left alone and not fetched.
 *
 * Each page's HTML is read once with htmlparser2 (ids and link tags together); tags are edited at
 * the offsets the parser reports.
 * Reads: page.contents (HTML), page.htmlScan, page.url, page.source. Writes: page.contents (links
 * rewritten), metadata linkIndex.
 */
import type Metalsmith from 'metalsmith';
import fs from 'node:fs';
import path from 'node:path';
import { encodePath, stripBase, withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { locateLinks } from '../lib/markdown/link-positions.ts';
import { scanHtml, scanOf, type HtmlScan } from '../lib/markdown/html-scan.ts';
import type { Files, Page } from '../lib/core/page.ts';
import { sourceBody } from '../lib/core/source-text.ts';
import { escapeHtml } from '../lib/util/text.ts';
import { pathEnd } from '../lib/urls/path-end.ts';

/** Ids and link tags of a page's HTML (one htmlparser2 pass; see lib/markdown/html-scan.ts). */
export function scanPage(html: string): HtmlScan {
  const { ids, links } = scanHtml(html);
  return { ids, links };
}

/** Every page's URL and heading ids, kept in the metadata for incremental runs. */
export interface LinkIndex {
  /** By source path. */
  pages: Map<string, { page: Page; ids: Set<string> }>;
  byUrl: Map<string, Page>;
  statics: Set<string>;
}

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

export default function links(ctx: BuildContext): Metalsmith.Plugin {
  return function links(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:links');
    const pages = files as Files;
    // The dev server re-runs this stage on a few changed pages: the rest of the site is what the
    // last full run indexed, updated in place (copying it for each edit made an edit's time grow with
    // the site). A full run starts from nothing, so a deleted page is never found.
    const meta = metalsmith.metadata() as { linkIndex?: LinkIndex };
    const index: LinkIndex = ctx.incremental && meta.linkIndex ? meta.linkIndex : { pages: new Map(), byUrl: new Map(), statics: new Set() };
    const scans = new Map<string, HtmlScan>();
    for (const key of Object.keys(pages)) {
      const file = pages[key]!;
      if (key.endsWith('.html') && file.url) {
        const scan = scanOf(file.contents, file.htmlScan) ?? scanPage(file.contents.toString('utf8'));
        scans.set(key, scan);
        const before = index.pages.get(file.source)?.page;
        if (before?.url && before.url !== file.url && index.byUrl.get(before.url) === before) index.byUrl.delete(before.url);
        index.pages.set(file.source, { page: file, ids: scan.ids });
        index.byUrl.set(file.url, file);
      } else {
        index.statics.add(key.split(path.sep).join('/'));
      }
    }
    metalsmith.metadata({ linkIndex: index });
    const bySource = (source: string) => index.pages.get(source)?.page;
    const { byUrl, statics } = index;
    /** A source path as written in a link: the file itself, or with .md, or a folder's index.md. */
    const findSource = (written: string): Page | undefined => {
      const p = written.replace(/\/+$/, '').replace(/^\.$/, '');
      if (!p) return bySource('index.md') ?? bySource('_index.md') ?? bySource('README.md') ?? bySource('readme.md');
      const dir = p ? `${p}/` : '';
      return bySource(p) ?? bySource(`${p}.md`) ?? bySource(`${dir}index.md`) ?? bySource(`${dir}_index.md`) ?? bySource(`${dir}README.md`) ?? bySource(`${dir}readme.md`);
    };

    for (const [key, scan] of scans) {
      const page = pages[key]!;
      if (ctx.diagnostics.broken.has(page.source)) continue;
      const html = page.contents.toString('utf8');
      let out = '';
      let at = 0;
      const broken: { index: number; problem: string; hint?: string }[] = [];
      for (const [index, link] of scan.links.entries()) {
        const resolved = resolve(link.value, page);
        if (resolved.problem) {
          broken.push({ index, problem: resolved.problem, hint: resolved.hint });
          continue;
        }
        if (resolved.url === undefined || resolved.url === link.value) continue;
        const tag = html.slice(link.start, link.end + 1);
        const rewritten = tag.replace(new RegExp(`(\\s${link.attr}\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s>]+)`, 'i'), `$1"${escapeHtml(resolved.url)}"`);
        out += html.slice(at, link.start) + rewritten;
        at = link.end + 1;
      }
      if (at) page.contents = Buffer.from(out + html.slice(at));
      if (broken.length) reportBroken(page, scan.links, broken);
    }

    /** Each broken link at the place its page's Markdown writes it (the body is read once a page). */
    function reportBroken(page: Page, tags: readonly { value: string }[], broken: readonly { index: number; problem: string; hint?: string }[]): void {
      if (page.generated) {
        // The page has no file: the problem goes to what its text was made from (issue 12).
        for (const b of broken) reportGenerated(page, tags[b.index]!.value, b.problem);
        return;
      }
      const where = locateLinks(page.markdown ?? sourceBody(ctx, page), tags.map((t) => t.value), new Set(broken.map((b) => b.index)));
      for (const b of broken) {
        const lc = where.get(b.index);
        ctx.diagnostics.report(page.source, {
          code: 'link/broken',
          line: lc ? lc.line + page.bodyLine - 1 : page.bodyLine,
          column: lc?.column ?? 1,
          message: b.problem,
          hint: b.hint ?? 'Link to a page by its file, relative to this one, e.g. [Rollback](../deploys/rollback.md).',
        });
      }
    }

    /**
     * A broken link on a page the build generates (Services, Alerts, Teams, a folder's page): at the
     * runbook its link was made from when the link names an existing file, else at site.yml.
     */
    function reportGenerated(page: Page, value: string, problem: string): void {
      const written = safeDecode(value.replace(/[?#].*$/, ''));
      const target = path.posix.normalize(path.posix.join(page.dir, written));
      const what = `the page ${page.url ?? page.source} that the build generates (${page.title})`;
      if (!target.startsWith('..') && fs.existsSync(path.join(ctx.source, target))) {
        ctx.diagnostics.report(target, {
          code: 'link/broken-generated',
          line: 1,
          message: `${what} links to this page as ${value}, and that link is broken: ${problem}`,
          hint: 'Rename the file to letters, digits and dashes; the generated pages link to every runbook by its file name.',
        });
        return;
      }
      ctx.diagnostics.reportFile(path.join(ctx.root, 'site.yml'), {
        code: 'link/broken-generated',
        line: 1,
        message: `${what}, made from site.yml and the runbooks' front matter, has a broken link: ${problem}`,
        hint: 'Check the team ids in site.yml and the owner: and services: values of the runbooks.',
      });
    }

    function resolve(value: string, page: Page): { url?: string; problem?: string; hint?: string } {
      const href = value.trim();
      if (!href || EXTERNAL.test(href)) return {};
      // The query and #fragment are split off as written, before decoding: `what%3F.md` is the
      // page what?.md, and `other.md?tab=prod#step-2` keeps `?tab=prod` on the rewritten URL.
      const hashAt = href.indexOf('#');
      const end = pathEnd(href);
      const query = href.slice(end, hashAt === -1 ? href.length : hashAt);
      const pathPart = safeDecode(href.slice(0, end));
      const anchor = hashAt === -1 ? undefined : safeDecode(href.slice(hashAt + 1));
      const fragment = anchor !== undefined ? `#${encodeURIComponent(anchor)}` : '';
      let target: Page | undefined;
      let url: string;
      if (!pathPart) {
        target = page;
        url = '';
      } else if (pathPart.startsWith('/')) {
        // Root-relative as written in the source (`/queues/x/`), or already under the base path.
        const clean = (stripBase(ctx.base, pathPart) ?? pathPart).replace(/index\.html$/, '');
        const under = withBase(ctx.base, clean);
        target = byUrl.get(under) ?? byUrl.get(`${under}/`);
        if (!target) {
          const asFile = clean.slice(1);
          if (statics.has(asFile)) return { url: `${withBase(ctx.base, encodePath(asFile))}${query}${fragment}` };
          const asSource = findSource(asFile.replace(/\/$/, ''));
          if (!asSource) return { problem: `the link to ${pathPart} goes to no page or file of this site` };
          target = asSource;
        }
        url = target.url!;
      } else {
        const joined = path.posix.normalize(path.posix.join(page.dir, pathPart));
        if (joined.startsWith('..')) return { problem: `the link to ${pathPart} points outside the site's source folder` };
        target = findSource(joined.replace(/\/$/, ''));
        if (!target) {
          if (statics.has(joined)) return { url: `${withBase(ctx.base, encodePath(joined))}${query}${fragment}` };
          return {
            problem: `the link to ${pathPart} goes to no page or file (looked for ${joined} in the source folder)`,
            hint: 'Check the file name and folder; links are relative to this file, e.g. ../deploys/rollback.md.',
          };
        }
        url = target.url!;
      }
      if (anchor !== undefined && anchor !== '') {
        const ids = index.pages.get(target.source)?.ids;
        if (ids && !ids.has(anchor)) {
          const near = [...ids].filter((i) => !i.startsWith('env-')).slice(0, 8);
          return {
            problem: `the link to ${value} names the anchor #${anchor}, but ${ctx.diagnostics.displayPath(target.source)} has no heading with that id`,
            hint: `Anchors are heading texts in lowercase with dashes${near.length ? `; that page has: ${near.map((i) => `#${i}`).join(', ')}` : ''}.`,
          };
        }
        return { url: `${url}${query}${fragment}` };
      }
      return { url: url ? `${url}${query}${fragment}` : href };
    }

    debug('checked %d pages', scans.size);
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

