/**
 * URL history stage (after redirects): no published URL disappears by accident. The new URL list
 * (urls.json) is compared with the previous release's: `--previous <dir or URL>`, else what the
 * destination holds (`build/`, the last release). A page URL (or alias) that existed before and
 * has neither a page nor an alias now fails the build with the file that probably replaced it
 * (git rename history, same alerts, same title: lib/urls/history.ts) and the exact `aliases:` line
 * to add. A URL listed in site.yml's `removed_urls:` may go.
 * Reads: `urls.json` of this build and of the previous release. Writes: nothing (problems only).
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { stripBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Files } from '../lib/core/page.ts';
import { gitPastPaths, likelyReplacement, readPrevious, URL_LIST_FILE, vanishedUrls, type Candidate, type UrlList } from '../lib/urls/history.ts';
import { lineOfKey } from '../lib/core/yaml-errors.ts';

export default function urlHistory(ctx: BuildContext): Metalsmith.Plugin {
  return async function urlHistory(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:url-history');
    const listFile = files[URL_LIST_FILE];
    if (ctx.incremental || ctx.dev || !listFile) return;
    // `--previous live`: the published site itself, at site.yml's `url` (what CI compares with before deploying).
    const asked = ctx.alertLinks.previous === 'live' ? ctx.site.url : ctx.alertLinks.previous;
    if (ctx.alertLinks.previous === 'live' && !asked) {
      ctx.diagnostics.reportFile('site.yml', { code: 'urls/no-previous', severity: 'warning', message: '--previous live needs the site\'s `url` in site.yml; no URL was compared', hint: 'Set url: to the address the site is published at.' });
      return;
    }
    const where = asked ?? ctx.destination;
    const previous = await readPrevious(where, ctx.root);
    if ('missing' in previous) {
      if (ctx.alertLinks.previous) {
        ctx.diagnostics.reportFile('site.yml', { code: 'urls/no-previous', severity: 'warning', message: `--previous: ${previous.missing}; no URL was compared`, hint: 'Give the folder of a built site or the address of the published site.' });
      }
      return debug('no previous release at %s', where);
    }
    if ('error' in previous) {
      // An unreachable live site is a warning: a deploy that fixes an outage must not be blocked by it.
      const remote = /^https?:/i.test(where);
      ctx.diagnostics.reportFile('site.yml', {
        code: 'urls/previous-unreadable',
        severity: remote ? 'warning' : 'error',
        message: `the previous release's URL list could not be read: ${previous.error}${remote ? '; no URL was compared' : ''}`,
        hint: 'Check the --previous folder or address; without it no removed page can be noticed.',
      });
      return;
    }
    const current = JSON.parse(listFile.contents.toString()) as UrlList;
    // Every page this build publishes still answers, the generated ones (teams, services, alerts,
    // folders without an index.md) too, which urls.json leaves out but a release read from its
    // index.html files (built before URL lists existed) has.
    const served = Object.values(files as Files).flatMap((p) => (p.url ? [stripBase(ctx.base, p.url)] : [])).filter((u): u is string => u !== undefined);
    const gone = vanishedUrls(previous.list, { ...current, pages: [...current.pages, ...served.map((url) => ({ url, source: '', title: '' }))] }, ctx.site.removed_urls);
    debug('%d URLs before, %d gone (compared with %s)', previous.list.pages.length, gone.length, previous.from);
    if (!gone.length) return;

    const pages = files as Files;
    const before = new Set(previous.list.pages.map((p) => p.url));
    const bySource = new Map(Object.values(pages).filter((p) => p.url && p.source && !p.generated).map((p) => [p.source, p]));
    const candidates: Candidate[] = current.pages
      .filter((p) => !before.has(p.url) && bySource.has(p.source))
      .map((p) => ({ ...p, alerts: p.alerts ?? [], file: path.join(ctx.source, p.source), hasAliases: !!bySource.get(p.source)!.aliases?.length }));
    const pastCache = new Map<string, string[]>();
    const past = (c: Candidate) => pastCache.get(c.file) ?? (pastCache.set(c.file, gitPastPaths(c.file)), pastCache.get(c.file)!);

    for (const g of gone) {
      const goneFile = g.source ? path.join(ctx.source, g.source) : undefined;
      const found = likelyReplacement(g, goneFile, candidates, past);
      const removal = `If the page was removed on purpose, list it in site.yml instead: removed_urls: [${g.url}]`;
      const was = g.title ? ` ("${g.title}"${g.source ? `, ${g.source}` : ''})` : '';
      if (found) {
        const page = bySource.get(found.page.source)!;
        ctx.diagnostics.report(found.page.source, {
          code: 'urls/vanished',
          line: page.aliases?.length ? lineOfKey(page.frontMatter ?? '', ['aliases'], 2) : 2,
          message: `${g.url}${was} was published by the previous release and no page or alias has it now; this page probably replaced it (${found.why})`,
          hint: page.aliases?.length
            ? `Add ${g.url} to this page's aliases: list, e.g. aliases: [${[...page.aliases, g.url].join(', ')}]. ${removal}.`
            : `Add this line to this page's front matter: aliases: [${g.url}]. ${removal}.`,
        });
      } else {
        ctx.diagnostics.reportFile('site.yml', {
          code: 'urls/vanished',
          line: 1,
          message: `${g.url}${was} was published by the previous release and no page or alias has it now`,
          hint: `If it moved, add this line to the front matter of the page that replaced it: aliases: [${g.url}]. ${removal}.`,
        });
      }
    }
  };
}
