/**
 * The pull-request summary (issue 18) as data, and its Markdown: the comment on the pull request
 * (behind a hidden marker, so the workflow edits one comment instead of adding one per push) and
 * the workflow run's job summary. scripts/pr-summary.ts gathers the data from git and a check of
 * the head; everything here works on plain values, so it is tested on strings.
 */

/** The hidden first line of the comment: how the workflow finds the comment to update. */
export const COMMENT_MARKER = '<!-- runbook-smith:pr-summary -->';
/** The line the comment gets when its pull request is closed and the preview removed. */
export const PREVIEW_REMOVED = '**This pull request is closed: its preview was removed, so the preview links below no longer work.**';

export interface PageRef {
  /** Source file as the repository shows it (`src/queues/backlog.md`). */
  file: string;
  title?: string;
  /** Root-relative URL in the preview (base path included); absent when the page is not built. */
  url?: string;
  /** Why there is no URL (a draft, or the page has an error). */
  note?: string;
}

export interface MovedPage {
  /** The file before the change. */
  file: string;
  /** Its site path before the change (`/queues/old-name/`). */
  oldPath: string;
  /** Renamed: the page it became. Removed: absent. */
  renamedTo?: PageRef;
  /**
   * What the old address does in the head: a redirect (aliases), a page still lives there, or
   * nothing (readers following an old link get "page not found"). Unknown when the head did not build.
   */
  oldUrlNow: { kind: 'redirect'; to: string; page?: PageRef } | { kind: 'page'; page: PageRef } | { kind: 'gone' } | { kind: 'unknown' };
}

export interface ProblemText {
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

export interface OverdueRunbook {
  file: string;
  owner: string;
  days: number;
  due: string;
}

export interface PrSummary {
  /** Absolute URL of the preview's home page; absent when no preview was published. */
  previewUrl?: string;
  /** Whether the head passed its checks (a preview is published only then). */
  passed: boolean;
  /** Short commit of the head, shown with the preview link. */
  head?: string;
  added: PageRef[];
  changed: PageRef[];
  /** Pages not changed themselves that include a changed partial (directly or through others). */
  viaPartials: (PageRef & { partials: string[] })[];
  moved: MovedPage[];
  /** Files every page depends on (layouts, site.yml, assets, partials a layout includes). */
  siteWide: string[];
  problems: ProblemText[];
  /** Undefined when the check did not get far enough to know. */
  overdue?: OverdueRunbook[];
}

/** Names of the partials that include any of `changed`, directly or through others, `changed` included. */
export function partialClosure(graph: ReadonlyMap<string, readonly string[]>, changed: Iterable<string>): Set<string> {
  const users = new Set(changed);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, includes] of graph) {
      if (!users.has(name) && includes.some((i) => users.has(i))) {
        users.add(name);
        grew = true;
      }
    }
  }
  return users;
}

const SITE_WIDE_SHOWN = 5;

/** The comment body: the marker, then the summary. */
export function renderComment(summary: PrSummary): string {
  return `${COMMENT_MARKER}\n${renderSummary(summary)}`;
}

/** The summary in GitHub-flavoured Markdown (the job summary; the comment adds the marker). */
export function renderSummary(s: PrSummary): string {
  const out: string[] = ['## Site preview', ''];
  const link = (p: PageRef) => {
    const note = p.note ? `, ${escapeText(p.note)}` : '';
    if (p.title === undefined) return `${code(p.file)}${note ? ` (${note.slice(2)})` : ''}`;
    const target = p.url && s.previewUrl ? absolute(p.url, s.previewUrl) : undefined;
    return `${target ? `[${escapeText(p.title)}](${target})` : escapeText(p.title)} (${code(p.file)}${note})`;
  };

  if (s.previewUrl) out.push(`**[Open the preview of the whole site](${s.previewUrl})**${s.head ? ` (built from ${code(s.head)})` : ''}`);
  else if (!s.passed) out.push('**No preview:** the site did not build because of the problems listed below. Fix them and push again; the preview appears here.');
  else out.push('No preview was published for this run.');
  out.push('');

  const section = (title: string, lines: string[]) => {
    if (!lines.length) return;
    out.push(`### ${title} (${lines.length})`, '', ...lines, '');
  };
  section('Pages added', s.added.map((p) => `- ${link(p)}`));
  section('Pages changed', s.changed.map((p) => `- ${link(p)}`));
  section(
    'Pages changed through a partial they include',
    s.viaPartials.map((p) => `- ${link(p)}: includes ${p.partials.map(code).join(', ')}`),
  );
  if (s.siteWide.length) {
    // A long list (a front-end refactor touches many files) would push the page lists out of view.
    const shown = s.siteWide.slice(0, SITE_WIDE_SHOWN).map(code).join(', ');
    const more = s.siteWide.length - SITE_WIDE_SHOWN;
    out.push(`**Every page may look different:** this pull request changes ${shown}${more > 0 ? ` and ${plural(more, 'other file')}` : ''}.`, '');
  }
  section('Pages removed or renamed', s.moved.map((m) => `- ${movedLine(m, link, s)}`));

  const errors = s.problems.filter((p) => p.severity === 'error').length;
  if (!s.problems.length) out.push('### Problems', '', 'No problems.', '');
  else {
    out.push(`### Problems (${plural(errors, 'error')}, ${plural(s.problems.length - errors, 'warning')})`, '');
    for (const p of s.problems) {
      out.push(`- ${p.severity === 'error' ? '**error**' : 'warning'} ${code(`${p.file}:${p.line}:${p.column}`)} ${escapeText(p.message)}`);
      if (p.hint) out.push(`  hint: ${escapeText(p.hint)}`);
    }
    out.push('');
  }

  if (s.overdue === undefined) out.push('### Runbooks due for review', '', 'Not known: the check stopped before review dates were read.', '');
  else section('Runbooks due for review', s.overdue.map((o) => `- ${code(o.file)}: owner ${escapeText(o.owner)}, ${plural(o.days, 'day')} overdue (due ${o.due})`));
  return `${out.join('\n').trimEnd()}\n`;
}

function movedLine(m: MovedPage, link: (p: PageRef) => string, s: PrSummary): string {
  const head = m.renamedTo ? `${code(m.file)} renamed to ${link(m.renamedTo)}` : `${code(m.file)} removed`;
  const old = code(m.oldPath);
  const now = m.oldUrlNow;
  switch (now.kind) {
    case 'redirect':
      if (m.renamedTo && now.page?.file === m.renamedTo.file) return `${head}. Its old address ${old} still works: it redirects there.`;
      return `${head}. Its old address ${old} redirects to ${now.page ? link(now.page) : code(now.to)}.`;
    case 'page':
      if (m.renamedTo && now.page.file === m.renamedTo.file) return `${head}. Its address ${old} stays the same.`;
      return `${head}. Its old address ${old} now shows ${link(now.page)}.`;
    case 'gone': {
      const fix = m.renamedTo
        ? ` To keep it working, add ${code(`aliases: [${m.oldPath}]`)} to the front matter of ${code(m.renamedTo.file)}.`
        : ` If another page replaces it, add ${code(`aliases: [${m.oldPath}]`)} to that page's front matter.`;
      return `${head}. **Its old address ${old} no longer works**: links and alerts pointing there get "page not found".${fix}`;
    }
    case 'unknown':
      return `${head}. Its old address was ${old} (not checked: the site did not build).`;
  }
}

/** A site URL (`/previews/pr-7/queues/x/`) as an absolute link on the preview's host. */
function absolute(url: string, previewUrl: string): string {
  return new URL(url, previewUrl).href;
}

/** Inline code that cannot be closed early by a backtick in the text. */
function code(text: string): string {
  const ticks = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = '`'.repeat(ticks + 1);
  return ticks ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Text people wrote (titles, messages) shown as text: no Markdown, HTML or mentions take effect. */
export function escapeText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b')
    .replace(/\s*\n\s*/g, ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
