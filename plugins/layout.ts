/**
 * Stage 7, layout: wraps each page in a Handlebars layout from layouts/ (`default`, or the one
 * named by `layout:` in front matter), with the site's navigation around it.
 * Reads: page.contents (HTML body), page.title, .url, .headings, .prev/.next, .section, .updated and
 * the runbook fields; metadata nav and assets. Writes: page.contents (the whole page), or hands it to
 * ctx.writer and leaves it empty.
 *
 * Layouts are compiled once per build on the build's Handlebars instance, because
 * @metalsmith/layouts compiles them again for every file (docs/decisions.md#layout).
 * Navigation fragments are rendered once per section (lib/nav/nav.ts).
 * The three large parts of a page, its body and the two navigation lists, reach the template as
 * short placeholders and are copied into the page as bytes afterwards (splice below), because
 * encoding each whole page string again was most of this stage's time (docs/decisions.md#layout).
 * Every value that comes from front matter reaches the HTML escaped: layouts use {{ }} for them,
 * and {{{ }}} only for HTML the build produced. `{{csp}}` is the page's Content-Security-Policy,
 * with the hashes of the inline scripts and styles the layout rendered (lib/site/csp.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { encodePath, withBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { alertPublicUrl } from '../lib/alerts/urls.ts';
import { CspFiller } from '../lib/site/csp.ts';
import { layoutFile, layoutName } from '../lib/templates/layouts.ts';
import { NavRenderer, tocHtml } from '../lib/nav/nav.ts';
import type { Files, Page } from '../lib/core/page.ts';
import { breakIdentifier } from '../lib/markdown/readable.ts';
import { ARCHIVE, offlineEnabled, WORKER } from '../lib/site/offline.ts';
import { frontMatterFields } from '../lib/core/schema.ts';
import { escapeHtml, headingId, slugify } from '../lib/util/text.ts';
import type { AssetMap } from '../lib/site/fingerprint.ts';
import type { Navigation } from '../lib/nav/navigation.ts';

export interface LayoutOptions {
  directory?: string;
  default?: string;
  /** Per-page data added by other stages (runbook card, git dates...), merged into the template data. */
  extend?: (page: Page, data: Record<string, unknown>) => void;
}

export const defaults = { default: 'default' } as const;

export default function layout(ctx: BuildContext, options: LayoutOptions = {}): Metalsmith.Plugin {
  const directory = options.directory ?? ctx.layoutsDir;
  const defaultName = options.default ?? defaults.default;
  /** The compiled layouts and the navigation of one run's metadata, and how a page is rendered with them. */
  function prepare(meta: { nav: Navigation; assets: AssetMap; search?: { config: string } }) {
    const compiled = new Map<string, HandlebarsTemplateDelegate>();
    const template = (name: string) => {
      let t = compiled.get(name);
      if (!t) {
        t = ctx.hbs.compile(fs.readFileSync(layoutFile(directory, name), 'utf8'), { preventIndent: true });
        compiled.set(name, t);
      }
      return t;
    };
    const nav = new NavRenderer(meta.nav);
    const repo = ctx.site.repository;
    const srcRel = path.relative(ctx.root, ctx.source).split(path.sep).join('/');
    const site = { ...ctx.site, base: ctx.base, envStyle: envStyle(ctx) };
    const templateFile = path.join(ctx.root, 'templates', 'runbook.md');
    const runbookTemplate = fs.existsSync(templateFile) ? fs.readFileSync(templateFile, 'utf8') : undefined;

    const offlineOn = offlineEnabled(ctx);
    const homeUrl = meta.nav.root.index.url;
    const slots = new Slots();
    // `{{csp}}`: the page's Content-Security-Policy, hashed from the layout's own inline scripts (lib/site/csp.ts).
    const csp = new CspFiller(slots.csp);
    /** The page's bytes, in pieces (see Slots.splice). */
    const render = (page: Page, content: Buffer): Buffer[] => {
      const section = nav.section(page.section);
      const list = page.generated404 ? [] : nav.sectionList(page);
      const data: Record<string, unknown> = {
        site,
        csp: slots.csp,
        page: pick(page),
        content: slots.content,
        assets: meta.assets,
        search: meta.search,
        nav: {
          top: slots.top,
          section: list.length ? slots.section : '',
          sectionTitle: section ? (section.index.navTitle ?? section.index.title) : undefined,
          sectionUrl: section?.index.url,
          sectionCurrent: section !== undefined && section.index === page,
          breadcrumbs: page.generated404 ? '' : nav.breadcrumbs(page),
          toc: tocHtml(page.headings),
          listing: nav.listing(page),
          home: meta.nav.root.index.url,
          topSections: meta.nav.top.map((s) => ({ title: s.index.navTitle ?? s.index.title, url: s.index.url, description: s.index.description })),
        },
        prev: page.prev ? { title: page.prev.navTitle ?? page.prev.title, url: page.prev.url } : undefined,
        next: page.next ? { title: page.next.navTitle ?? page.next.title, url: page.next.url } : undefined,
        editUrl: repo && !page.generated && !page.generated404 ? `${repo.url}/edit/${encodePath([repo.branch, srcRel, page.source].filter(Boolean).join('/'))}` : undefined,
        runbook: page.type === 'runbook' ? runbookCard(ctx, page) : undefined,
        // The service worker, and the download of the whole site on the home and 404 pages.
        offline: offlineOn ? { worker: withBase(ctx.base, WORKER), archive: page.generated404 || page.url === homeUrl ? withBase(ctx.base, ARCHIVE) : undefined } : undefined,
        newRunbookUrl: newRunbookUrl(ctx, page, srcRel, runbookTemplate),
      };
      options.extend?.(page, data);
      const html = csp.fill(template(layoutName(page.layout ?? defaultName))(data));
      return slots.splice(html, { content: [content], top: [nav.top(page)], section: list });
    };

    return { render, layouts: () => compiled.size };
  }

  // The dev server re-renders one page at a time through this same plugin; compiling the layouts and
  // the navigation again for each edit was most of an edit's time, so they are kept while the
  // navigation is the same object (a change to it, a layout or site.yml makes a new plugin anyway).
  let kept: { nav: Navigation; render: (page: Page, content: Buffer) => Buffer[]; layouts: () => number } | undefined;
  return function layout(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:layout');
    const pages = files as Files;
    const meta = metalsmith.metadata() as { nav: Navigation; assets: AssetMap; search?: { config: string } };
    if (!fs.existsSync(layoutFile(directory, defaultName))) {
      ctx.diagnostics.reportFile(layoutFile(directory, defaultName), {
        code: 'layout/missing',
        message: `the default layout is missing: every page needs ${defaultName}.hbs in ${path.relative(ctx.root, directory) || '.'}`,
        hint: 'Restore layouts/default.hbs from git, or set another default layout.',
      });
      return;
    }
    if (kept?.nav !== meta.nav) kept = { nav: meta.nav, ...prepare(meta) };
    const { render } = kept;

    const writer = ctx.incremental ? undefined : ctx.writer;
    for (const key of Object.keys(pages)) {
      if (!key.endsWith('.html')) continue;
      const page = pages[key]!;
      const parts = render(page, page.contents);
      // Finished: written now, while the next pages render (lib/io/write.ts), only into the new release
      // directory, which becomes the site only if the whole build succeeds. Its HTML is then let go,
      // and the pieces go out in one writev, to keep peak memory and copying down
      // (docs/decisions.md#write-queue).
      if (writer && !ctx.diagnostics.broken.has(page.source)) {
        writer.write(key.split(path.sep).join('/'), parts);
        page.contents = WRITTEN;
      } else {
        page.contents = Buffer.concat(parts);
      }
    }

    if (ctx.incremental) return; // the dev server re-rendered a few pages; the 404 page is unchanged
    // The 404 page: navigation and search, links root-relative so it works at any URL.
    const notFound = {
      contents: Buffer.from(''),
      title: 'Page not found',
      type: 'page',
      source: '404.md',
      bodyLine: 1,
      markdown: '',
      dir: '',
      isIndex: false,
      section: '\u0000none',
      url: withBase(ctx.base, '404.html'),
      generated: true,
      generated404: true,
      headings: [],
    } as Page & { generated404: boolean };
    const body = `<p>There is no page at this address. It may have moved when a runbook was renamed.</p><p>Search above, or start from a section:</p><ul class="listing">${meta.nav.top.map((s) => `<li><a href="${escapeHtml(s.index.url)}">${escapeHtml(s.index.title)}</a></li>`).join('')}</ul>`;
    pages['404.html'] = { ...notFound, contents: Buffer.concat(render(notFound, Buffer.from(body))) };
    debug('rendered %d pages with %d layouts', Object.keys(pages).length, kept.layouts());
  };
}

type Slot = 'content' | 'top' | 'section';

/**
 * Placeholders for the parts spliced in as bytes. Each build's are made with a random token, so no
 * text a page could contain (front matter reaches the template too) is ever taken for one. A layout
 * writes them with {{{ }}}, as it writes any HTML the build made.
 */
class Slots {
  private readonly token = randomBytes(8).toString('hex');
  readonly content = this.mark('content');
  readonly top = this.mark('top');
  readonly section = this.mark('section');
  /** Not spliced: replaced in the layout's text before the parts go in (lib/site/csp.ts). */
  readonly csp = `\uE010${this.token}csp\uE011`;
  private readonly pattern = new RegExp(`\uE010${this.token}(content|top|section)\uE011`, 'g');

  private mark(slot: Slot): string {
    return `\uE010${this.token}${slot}\uE011`;
  }

  /**
   * The rendered layout as bytes, in order, every placeholder replaced by its part (wherever and
   * however often the layout used it). The pieces share memory with the parts: they are written
   * as they are, or joined by the caller.
   */
  splice(html: string, parts: Record<Slot, Buffer[]>): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.pattern.exec(html); m; m = this.pattern.exec(html)) {
      out.push(Buffer.from(html.slice(at, m.index)), ...parts[m[1] as Slot]);
      at = this.pattern.lastIndex;
    }
    out.push(Buffer.from(html.slice(at)));
    return out;
  }
}

/** What a page's contents become once the writer has them (see BuildResult in build.ts). */
const WRITTEN = Buffer.alloc(0);

/** The page fields a layout may show (front-matter fields and computed ones), nothing internal. */
function pick(page: Page): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of frontMatterFields) if (page[f as keyof Page] !== undefined) out[f] = page[f as keyof Page];
  Object.assign(out, { hasDiagram: page.hasDiagram, title: page.title, type: page.type, url: page.url, isIndex: page.isIndex, source: page.source, updated: page.updated, headings: page.headings });
  return out;
}

/** The header card of a runbook: owner (linked to its team page), severity, services, alerts, review state. */
function runbookCard(ctx: BuildContext, page: Page): Record<string, unknown> {
  const team = ctx.site.teams.find((t) => t.id === page.owner);
  return {
    owner: page.owner,
    team: team ? { ...team, url: withBase(ctx.base, `teams/${slugify(team.id)}/`) } : undefined,
    severity: page.severity,
    critical: page.severity === 'critical',
    services: (page.services ?? []).map((name) => ({ name, url: withBase(ctx.base, `services/#${encodeURIComponent(headingId(name))}`) })),
    alerts: (page.alerts ?? []).map((name) => ({ name, url: alertPublicUrl(ctx, name) })),
    // Alert names break only at their dots and underscores (lib/markdown/readable.ts); each with its permanent URL.
    alertsHtml: (page.alerts ?? [])
      .map((a) => `<span class="alert-link"><code class="alert-name">${breakIdentifier(escapeHtml(a))}</code> <span class="alert-link__url"><code data-copy>${escapeHtml(alertPublicUrl(ctx, a))}</code> <span class="alert-link__hint">use this as runbook_url</span></span></span>`)
      .join(' '),
    lastReviewed: page.last_reviewed,
    reviewEvery: page.review_every ?? ctx.site.review_every_days,
    overdue: page.reviewOverdue,
  };
}

/**
 * "New runbook" on the section pages of runbook sections: GitHub's web editor on a new file in
 * that folder, prefilled from templates/runbook.md (the five headings and the front matter).
 */
function newRunbookUrl(ctx: BuildContext, page: Page, srcRel: string, template: string | undefined): string | undefined {
  const repo = ctx.site.repository;
  const top = page.dir.split('/')[0] ?? '';
  if (!repo || !template || !page.isIndex || page.generated || !ctx.site.runbook_sections.includes(top)) return undefined;
  const value = template.replace(/\{\{today\}\}/g, ctx.now.toISOString().slice(0, 10));
  const folder = [srcRel, page.dir].filter(Boolean).join('/');
  return `${repo.url}/new/${encodePath([repo.branch, folder].filter(Boolean).join('/'))}?filename=new-runbook.md&value=${encodeURIComponent(value)}`;
}

/**
 * CSS that shows the reader's chosen environment in every tab group before any script runs:
 * an inline script in <head> sets <html data-env="prod"> from localStorage, and these rules pick
 * the matching panel and mark its tab, so the wrong tab never flashes on load, and a page whose
 * script failed still shows the remembered environment, marked.
 */
function envStyle(ctx: BuildContext): string {
  const rules = ctx.site.environments.map((e) => {
    const id = e.id.replace(/[^a-z0-9-]/gi, '');
    const on = `html[data-env="${id}"]`;
    return (
      `${on} .env-tabs__panel{display:none}${on} .env-tabs__panel[data-env="${id}"]{display:block}` +
      // The matching tab looks chosen too, so a page whose script failed still marks the right tab.
      `${on} .env-tabs__tab{background:none;border-color:transparent;box-shadow:none}` +
      `${on} .env-tabs__tab[data-env="${id}"]{background:var(--bg);border-color:var(--border);color:var(--heading);box-shadow:inset 0 2px 0 var(--accent)}` +
      `${on} .env-tabs__tab.is-production[data-env="${id}"]{background:var(--prod-bg);color:var(--prod);box-shadow:inset 0 3px 0 var(--prod)}`
    );
  });
  return `.env-tabs__panel{display:none}.env-tabs__panel[data-default]{display:block}${rules.join('')}`;
}
