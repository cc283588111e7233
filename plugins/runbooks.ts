/**
 * Runbooks stage (after frontmatter, before sections): what no general docs tool knows.
 * - An alert claimed by two runbooks fails the build naming both pages: `alerts.json` must map
 *   each alert to exactly one runbook.
 * - Generates index pages by team (`/teams/`, one page per team), by service (`/services/`) and by
 *   alert (`/alerts/`). They are ordinary Markdown pages with source-relative links, added before
 *   the sections stage, so they get navigation and the links stage checks and rewrites their links.
 * Reads: page.type, page.alerts, page.owner, page.services, page.last_reviewed. Writes: the
 * generated pages, metadata alerts (alert name -> runbook page).
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import { markdownHtmlText, markdownPath, markdownText } from '../lib/markdown/markdown-text.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { alertPublicUrl } from '../lib/alerts/urls.ts';
import { pseudoAlphabetical } from '../lib/nav/sort.ts';
import { breakIdentifier } from '../lib/markdown/readable.ts';
import { YamlLines } from '../lib/core/yaml-errors.ts';

// Every value from front matter or site.yml is written through lib/markdown/markdown-text.ts: into the HTML
// tables as escaped text on one line (a blank line would end the HTML block), into Markdown as
// escaped Markdown, into links as percent-encoded paths, so it shows as typed and never runs (issue 12).
const text = markdownHtmlText;

type Cell = [label: string, html: string];

/** A table whose cells carry their column's name (`data-label`), shown as cards on narrow screens. */
function htmlTable(head: string[], rows: Cell[][]): string {
  const th = head.map((h) => `<th scope="col">${text(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map(([label, html]) => `<td data-label="${text(label)}">${html}</td>`).join('')}</tr>`);
  return ['<div class="table-wrap"><table class="table--cards">', `<thead><tr>${th}</tr></thead>`, '<tbody>', ...tr, '</tbody>', '</table></div>'].join('\n');
}

/** A link to a source-relative path (the links stage rewrites it to the page's URL). */
function a(href: string, label: string): string {
  return `<a href="${text(markdownPath(href))}">${text(label)}</a>`;
}

function code(value: string): string {
  return `<code>${breakIdentifier(text(value))}</code>`;
}

/** The same badge as the runbook card's (layouts/default.hbs). */
function badge(severity: string | undefined): string {
  return severity ? `<span class="badge badge--${text(severity)}">${text(severity)}</span>` : '';
}

export default function runbooks(ctx: BuildContext): Metalsmith.Plugin {
  return function runbooks(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:runbooks');
    const pages = files as Files;
    const list = Object.values(pages)
      .filter((p) => p.type === 'runbook' && p.source && isMarkdown(p.source))
      .sort(pseudoAlphabetical<Page>([], (p) => ({ path: p.source, title: p.title })));

    // Each alert belongs to one runbook.
    const byAlert = new Map<string, Page>();
    for (const p of list) {
      let lines: YamlLines | undefined; // indexed once a page, when it has a problem
      for (const [i, alert] of (p.alerts ?? []).entries()) {
        const other = byAlert.get(alert);
        if (other && other !== p) {
          ctx.diagnostics.report(p.source, {
            code: 'runbook/duplicate-alert',
            line: (lines ??= new YamlLines(p.frontMatter ?? '')).lineOf(['alerts', i], 2),
            message: `alert "${alert}" is already claimed by ${ctx.diagnostics.displayPath(other.source)}; an alert links to one runbook`,
            hint: 'Keep the alert in the runbook on-call should open, and link to it from the other page instead.',
          });
          continue;
        }
        byAlert.set(alert, p);
      }
    }
    metalsmith.metadata({ alerts: byAlert });

    if (!list.length) return;
    const add = (source: string, title: string, description: string, body: string, order?: string[]) => {
      const key = source.split('/').join(path.sep);
      if (pages[key]) {
        ctx.diagnostics.report(source, {
          code: 'runbook/generated-clash',
          severity: 'warning',
          message: `the build generates ${source} (${title}) but this file exists; the file is kept and the generated page skipped`,
          hint: `Rename src/${source} if you want the generated ${title} page.`,
        });
        return;
      }
      const dir = source.includes('/') ? source.slice(0, source.lastIndexOf('/')) : '';
      pages[key] = {
        contents: Buffer.from(body),
        title,
        description,
        type: 'page',
        source,
        bodyLine: 1,
        markdown: body,
        dir,
        isIndex: source.endsWith('/index.md'),
        section: dir,
        generated: true,
        ...(order ? { order } : {}),
      };
    };

    // Tables of runbooks, teams and alerts are written as HTML (a Markdown HTML block: no blank
    // line inside), so each cell carries its column name for the stacked cards of narrow screens
    // (assets/site.css `.table--cards`), severities get the runbook card's badge and owners their
    // team's name. Links stay source-relative: the links stage checks and rewrites them.
    const teamById = new Map(ctx.site.teams.map((t) => [t.id, t]));
    const owner = (dir: string, p: Page) => {
      const t = p.owner ? teamById.get(p.owner) : undefined;
      return t ? a(path.posix.relative(dir, `teams/${t.id}.md`), t.name) : text(p.owner ?? '');
    };
    const runbookCells = (dir: string, p: Page): Cell[] => [
      ['Runbook', a(path.posix.relative(dir, p.source), p.title)],
      ['Severity', badge(p.severity)],
      ['Alerts', (p.alerts ?? []).map(code).join(' ')],
      ['Last reviewed', `${text(p.last_reviewed ?? '')}${p.reviewOverdue ? ` <span class="overdue">(review overdue ${p.reviewOverdue.days} days)</span>` : ''}`],
    ];
    const runbookTable = (dir: string, ps: Page[]) => htmlTable(['Runbook', 'Severity', 'Alerts', 'Last reviewed'], ps.map((p) => runbookCells(dir, p)));

    // By team.
    const teams = ctx.site.teams;
    // Grouped in one pass, like services below: filtering every runbook once per team is teams x runbooks.
    const byOwner = new Map<string, Page[]>();
    for (const p of list) if (p.owner !== undefined) (byOwner.get(p.owner) ?? byOwner.set(p.owner, []).get(p.owner)!).push(p);
    const teamRows = teams.map((t): Cell[] => [
      ['Team', a(`${t.id}.md`, t.name)],
      ['Slack', text(t.slack ?? '')],
      ['Pager', text(t.pager ?? '')],
      ['Runbooks', String(byOwner.get(t.id)?.length ?? 0)],
    ]);
    add('teams/index.md', 'Teams', 'Who owns which runbooks, and how to reach them.', htmlTable(['Team', 'Slack', 'Pager', 'Runbooks'], teamRows), teams.map((t) => t.id));
    for (const t of teams) {
      const owned = byOwner.get(t.id) ?? [];
      const contact = [t.slack && `Slack: **${markdownText(t.slack)}**`, t.pager && `Pager: **${markdownText(t.pager)}**`].filter(Boolean).join(' · ');
      add(`teams/${t.id}.md`, t.name, `Runbooks owned by ${t.name}.`, `${contact}\n\n## Runbooks\n\n${owned.length ? runbookTable('teams', owned) : 'This team owns no runbooks yet.'}\n`);
    }

    // By service: one heading per service, so a runbook card can link to /services/#name.
    // Grouped in one pass, because filtering all runbooks once per service is services x runbooks (docs/decisions.md#runbooks-by-service).
    const byService = new Map<string, Page[]>();
    for (const p of list) {
      for (const s of new Set(p.services ?? [])) {
        const group = byService.get(s);
        if (group) group.push(p);
        else byService.set(s, [p]);
      }
    }
    const services = [...byService.keys()].sort(pseudoAlphabetical<string>([], (s) => ({ path: s, title: s })));
    add(
      'services/index.md',
      'Services',
      'Every service that has a runbook, and its runbooks.',
      services.map((s) => `## ${markdownText(s)}\n\n${runbookTable('services', byService.get(s)!)}\n`).join('\n'),
    );

    // By alert: the page a monitor's runbook link can point at, and the source of alerts.json.
    const alerts = [...byAlert.keys()].sort(pseudoAlphabetical<string>([], (s) => ({ path: s, title: s })));
    const alertRows = alerts.map((name): Cell[] => {
      const p = byAlert.get(name)!;
      return [
        ['Alert', code(name)],
        ['Runbook', a(path.posix.relative('alerts', p.source), p.title)],
        ['Permanent URL', `<code data-copy>${markdownHtmlText(alertPublicUrl(ctx, name))}</code>`],
        ['Severity', badge(p.severity)],
        ['Owner', owner('alerts', p)],
      ];
    });
    add(
      'alerts/index.md',
      'Alerts',
      'Every alert name and the runbook it links to. The same map is published as /alerts.json.',
      'Each alert has a permanent URL that leads to its runbook even after the runbook moves: **use it as `runbook_url`** in the alert rule.\n\n' +
        htmlTable(['Alert', 'Runbook', 'Permanent URL (use this as runbook_url)', 'Severity', 'Owner'], alertRows) +
        "\n\nMachine-readable: [alerts.json](/alerts.json) (each alert's permanent URL and runbook page).\n",
    );
    debug('%d runbooks, %d alerts, %d services', list.length, alerts.length, services.length);
  };
}
