/**
 * Alert rules stage (last): the team's alert definitions (site.yml `alert_rules:` globs, or
 * `--alert-rules`) checked against this build, each problem at the rule file's line:
 * - a runbook URL into this site that resolves to no page (or no such #anchor): error, naming the
 *   alert and the closest page;
 * - an alert no runbook lists: warning (error with --strict);
 * - an alert a runbook lists that no rule defines: warning, at the runbook's line;
 * and the summary "N of M alerts have a runbook" (printed by build.ts).
 * Parsing is lib/alerts/rules.ts (a YAML library, HashiCorp's HCL parser).
 * Reads: metadata alerts and linkIndex, the alert rule files. Writes: ctx.alertLinks.summary (problems otherwise).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { alertPublicUrl, alertUrl } from '../lib/alerts/urls.ts';
import { FrontMatterLines } from '../lib/alerts/lines.ts';
import { parseDatadogTerraform, parsePrometheusRules, type AlertRule } from '../lib/alerts/rules.ts';
import { originOf, stripBase } from '../lib/urls/base.ts';
import type { BuildContext } from '../lib/core/context.ts';
import type { Page } from '../lib/core/page.ts';
import { URL_LIST_FILE, type UrlList } from '../lib/urls/history.ts';
import { editDistance, lineOfKey } from '../lib/core/yaml-errors.ts';

interface LinkIndexLike {
  pages: Map<string, { page: Page; ids: Set<string> }>;
}

export default function alertRules(ctx: BuildContext): Metalsmith.Plugin {
  return async function alertRules(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:alert-rules');
    const patterns = ctx.alertLinks.alertRules ?? ctx.site.alert_rules;
    if (ctx.incremental || !patterns.length) return;
    const meta = metalsmith.metadata() as { alerts?: Map<string, Page>; linkIndex?: LinkIndexLike };
    const byAlert = meta.alerts ?? new Map<string, Page>();
    const listFile = files[URL_LIST_FILE];
    const urls: UrlList = listFile ? JSON.parse(listFile.contents.toString()) : { generator: 'runbook-smith', pages: [], redirects: {} };
    const pageBySitePath = new Map(urls.pages.map((p) => [p.url, p.source]));
    const shown = (abs: string) => path.relative(ctx.root, abs).split(path.sep).join('/');

    // Read every rule file the patterns name.
    const defined = new Map<string, { file: string; rule: AlertRule }[]>();
    let fileCount = 0;
    for (const pattern of patterns) {
      const { glob } = await import('tinyglobby'); // loaded only by a site that lists alert rule files
      const found = (await glob(pattern, { cwd: ctx.root, absolute: true, onlyFiles: true })).sort();
      if (!found.length) {
        ctx.diagnostics.reportFile('site.yml', {
          code: 'alert-rules/no-files',
          severity: 'warning',
          line: lineOfKey(safeRead(path.join(ctx.root, 'site.yml')), ['alert_rules', patterns.indexOf(pattern)], 1),
          message: `alert_rules: "${pattern}" matches no file`,
          hint: 'Patterns are relative to the project folder, e.g. examples/alert-rules/**/*.tf',
        });
      }
      for (const abs of found) {
        fileCount++;
        const text = fs.readFileSync(abs, 'utf8');
        const parsed = /\.tf$/i.test(abs) ? await parseDatadogTerraform(text, path.basename(abs)) : parsePrometheusRules(text);
        if (parsed.error) {
          ctx.diagnostics.reportFile(shown(abs), {
            code: 'alert-rules/parse',
            line: parsed.error.line,
            column: parsed.error.column,
            message: `this alert rule file cannot be read: ${parsed.error.message}`,
            hint: /\.tf$/i.test(abs) ? 'Check the braces and quotes around this line (terraform fmt shows the same error).' : 'Check the indentation around this line (promtool check rules shows the same error).',
          });
        }
        for (const rule of parsed.rules) {
          const list = defined.get(rule.alert) ?? [];
          list.push({ file: shown(abs), rule });
          defined.set(rule.alert, list);
        }
      }
    }

    const site = ctx.site.url ? new URL(ctx.site.url) : undefined;
    /** The site path of a URL into this site (query and fragment apart), or undefined for another site. */
    const intoSite = (raw: string): { path: string; anchor?: string } | undefined => {
      let u: URL;
      try {
        u = new URL(raw, site ?? 'http://site.invalid/');
      } catch {
        return undefined;
      }
      if (/^https?:\/\//i.test(raw) && (!site || originOf(u.href) !== originOf(site.href))) return undefined;
      const p = stripBase(ctx.base, decodeURI(u.pathname));
      if (p === undefined) return undefined;
      const anchor = raw.includes('#') ? decodeURIComponent(raw.slice(raw.indexOf('#') + 1)) : undefined;
      return { path: /\.html?$|\/$/.test(p) ? p : `${p}/`, anchor };
    };
    const allTargets = [...urls.pages.map((p) => p.url), ...Object.keys(urls.redirects).filter((u) => u.startsWith('/alerts/'))];
    const closestTo = (p: string) => allTargets.reduce((best, u) => (editDistance(p, u) < editDistance(p, best) ? u : best), allTargets[0] ?? '/');
    const describe = (sitePath: string) => {
      const target = pageBySitePath.get(sitePath) ?? pageBySitePath.get(urls.redirects[sitePath] ?? '');
      return `${sitePath}${target ? ` (${ctx.diagnostics.displayPath(target)})` : ''}`;
    };

    for (const [alert, defs] of defined) {
      const runbook = byAlert.get(alert);
      for (const { file, rule } of defs) {
        // Prometheus: the annotation is the link. Datadog: the first URL of the message into this site.
        const link = rule.annotated ? rule.urls[0] : rule.urls.find((u) => intoSite(u.url));
        const target = link && intoSite(link.url);
        if (link && target) {
          if (/\{\{|\$/.test(target.path)) {
            ctx.diagnostics.reportFile(file, {
              code: 'alert-rules/templated-path',
              line: link.line,
              message: `alert "${alert}": the runbook URL ${link.url} has a template in its path, so it cannot be checked or relied on`,
              hint: `Keep the path fixed and put templates in the query string only, e.g. ${alertPublicUrl(ctx, alert)}?env={{ $labels.env }}`,
            });
            continue;
          }
          const source = pageBySitePath.get(target.path) ?? pageBySitePath.get(urls.redirects[target.path] ?? '');
          // The alert's own permanent URL, with no runbook listing the alert yet: "no runbook" below says it.
          const ownUrl = !runbook && [alertUrl(alert), alertUrl(alert.toLowerCase())].includes(target.path);
          if (!source && !ownUrl) {
            const closest = runbook ? stripBase(ctx.base, runbook.url!) ?? runbook.url! : closestTo(target.path);
            ctx.diagnostics.reportFile(file, {
              code: 'alert-rules/broken-url',
              line: link.line,
              message: `alert "${alert}": the runbook URL ${link.url} goes to no page of this site; the closest page is ${describe(closest)}`,
              hint: runbook
                ? `Use the alert's permanent URL, which follows its runbook when it moves: ${alertPublicUrl(ctx, alert)}`
                : `Fix the path, or list "${alert}" under alerts: in its runbook and use ${alertPublicUrl(ctx, alert)}`,
            });
          } else if (source && target.anchor) {
            const ids = meta.linkIndex?.pages.get(source)?.ids;
            if (ids && !ids.has(target.anchor)) {
              const near = [...ids].filter((i) => !i.startsWith('env-')).slice(0, 8);
              ctx.diagnostics.reportFile(file, {
                code: 'alert-rules/broken-anchor',
                line: link.line,
                message: `alert "${alert}": the runbook URL ${link.url} names #${target.anchor}, but ${ctx.diagnostics.displayPath(source)} has no heading with that id`,
                hint: `Anchors are heading texts in lowercase with dashes${near.length ? `; that page has: ${near.map((i) => `#${i}`).join(', ')}` : ''}.`,
              });
            }
          }
        }
        if (!runbook) {
          ctx.diagnostics.reportFile(file, {
            code: 'alert-rules/no-runbook',
            severity: ctx.alertLinks.strict ? 'error' : 'warning',
            line: rule.line,
            message: `alert "${alert}" has no runbook: no page lists it under alerts:`,
            hint: `Add "${alert}" to the alerts: list of the runbook on-call should open; its link is then ${alertPublicUrl(ctx, alert)}`,
          });
        }
      }
    }

    const lines = new FrontMatterLines();
    for (const [alert, page] of [...byAlert].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (defined.has(alert)) continue;
      ctx.diagnostics.report(page.source, {
        code: 'alert-rules/unknown-alert',
        severity: 'warning',
        line: lines.alertLine(page, alert),
        message: `alert "${alert}" is listed here but no alert rule defines it (${fileCount} rule ${fileCount === 1 ? 'file' : 'files'} read: ${patterns.join(', ')})`,
        hint: "Check the spelling against the rule's alert: or the monitor's name, or remove it if the alert was deleted.",
      });
    }
    const covered = [...defined.keys()].filter((a) => byAlert.has(a)).length;
    ctx.alertLinks.summary = `${covered} of ${defined.size} alerts have a runbook (alert rules: ${patterns.join(', ')})`;
    debug(ctx.alertLinks.summary);
  };
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
