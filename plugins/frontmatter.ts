/**
 * Stage 0, frontmatter: reads each page's front matter with gray-matter and checks it against the
 * one schema in lib/core/schema.ts, reporting every problem with the line an editor shows.
 *
 * Metalsmith's own front-matter parsing is switched off (`frontmatter(false)` in build.ts): it
 * reports "Invalid frontmatter in the file at: <path>" with no line, and parses a `---` block
 * that is never closed as if the whole page were YAML (FACTS.md).
 * Reads: file.contents (raw file). Writes: file.contents (the body), the schema's fields, page.title,
 * page.type, page.frontMatter, page.navTitle, page.unlisted, page.reviewOverdue; drops drafts.
 */
import path from 'node:path';
import matter from 'gray-matter';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import { adoptToolFields, isIndexSource, pageName, titleFromName } from '../lib/nav/conventions.ts';
import { layoutName } from '../lib/templates/layouts.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { frontMatterFields, frontMatterSchema, runbookRequiredFields, type FrontMatter } from '../lib/core/schema.ts';
import { normalizeNewlines } from '../lib/util/text.ts';
import { reviewState } from '../lib/util/review-dates.ts';
import { closest, describeZodIssue, lineOfKey, yamlErrorHint, yamlErrorPosition, YamlLines, type YamlError } from '../lib/core/yaml-errors.ts';

export interface FrontmatterOptions {
  /** Layout names (file names without extension) that exist in layouts/. */
  layouts: readonly string[];
}

const DELIMITER = /^(---|\.\.\.)[ \t]*$/;
const KNOWN: ReadonlySet<string> = new Set<string>(frontMatterFields);

export default function frontmatter(ctx: BuildContext, options: FrontmatterOptions): Metalsmith.Plugin {
  const { site } = ctx;
  const teams = site.teams.map((t) => t.id);
  const runbookSections = new Set(site.runbook_sections);

  return function frontmatter(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:frontmatter');
    const diagnostics = ctx.diagnostics;
    const pages = files as Files;
    const unknown = new Map<string, { count: number; source: string; line: number }>();
    for (const name of Object.keys(pages)) {
      const source = name.split(path.sep).join('/');
      if (!isMarkdown(source)) continue;
      const file = pages[name]!;
      const report = (init: Parameters<typeof diagnostics.report>[1]) => diagnostics.report(source, init);

      if (!isText(file.contents)) {
        report({
          code: 'file/binary',
          message: 'this file is not text (it contains binary data), so it cannot be a Markdown page',
          hint: 'Rename it without the .md extension if it is an attachment, or save it as plain UTF-8 text.',
        });
        delete pages[name];
        continue;
      }

      const text = normalizeNewlines(file.contents.toString('utf8'));
      const parsed = parse(text, report);
      if (!parsed) {
        // Keep the page (without templating) so links to it still resolve; the build fails anyway.
        Object.assign(file, pageBasics(source, 1), { title: pageName(source) ? titleFromName(pageName(source)) : site.title });
        file.contents = Buffer.from(text);
        continue;
      }
      const { data, body, bodyLine, yamlText } = parsed;
      const yamlLines = new YamlLines(yamlText ?? '');

      // Fields of Hugo, Docusaurus, MkDocs... are understood or ignored quietly (lib/nav/conventions.ts).
      const adopted = adoptToolFields(data, frontMatterFields);
      for (const f of adopted.fields) ctx.adoption.fields.set(`${f.tool}\u0000${f.field}`, (ctx.adoption.fields.get(`${f.tool}\u0000${f.field}`) ?? 0) + 1);
      // Unknown fields: likely typos of known ones are errors; anything else is ignored, with one
      // warning per field name for the whole site (after the loop), not one per file.
      for (const key of Object.keys(data)) {
        if (KNOWN.has(key)) continue;
        const suggestion = closest(key, frontMatterFields);
        const line = lineOfKey(yamlLines, [key], 2);
        if (suggestion) {
          report({
            code: 'frontmatter/unknown-field',
            line,
            message: `unknown field \`${key}\` — did you mean \`${suggestion}\`?`,
            hint: `Rename it to \`${suggestion}\`.`,
          });
        } else {
          const seen = unknown.get(key);
          if (seen) seen.count++;
          else unknown.set(key, { count: 1, source, line });
        }
        delete data[key];
      }

      const result = frontMatterSchema.safeParse(data);
      if (!result.success) {
        for (const issue of result.error.issues) {
          const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as string], data);
          const d = describeZodIssue(issue, value);
          report({ code: 'frontmatter/schema', line: lineOfKey(yamlLines, issue.path, 2), message: d.message, hint: d.hint });
        }
      }
      // Keep the fields that are valid, so one wrong field does not cascade into "no title" and the like.
      const fm = result.success ? result.data : validFields(data, result.error.issues.map((i) => i.path[0]));

      const page = pageBasics(source, bodyLine);
      const isIndex = page.isIndex!;
      const topSection = source.includes('/') ? source.split('/')[0]! : '';
      const type = fm.type ?? (runbookSections.has(topSection) && !isIndex ? 'runbook' : 'page');

      // Title: front matter, else the first "# heading" (removed from the body: the layout shows it), else the file name.
      let title = fm.title;
      let content = body;
      const h1 = /^[ \t]{0,3}#[ \t]+(.+?)[ \t#]*$/m.exec(body);
      const firstLine = body.split('\n').find((l) => l.trim() !== '');
      if (h1 && firstLine === h1[0]) {
        if (!title) title = h1[1]!.trim();
        if (title === h1[1]!.trim()) content = body.replace(h1[0], ''); // keeps the line count
      }
      // Then the file (or folder) name, front matter or not, as the tools do: no error.
      if (!title) title = pageName(source) ? titleFromName(pageName(source)) : site.title;

      if (typeof fm.order === 'object' && !isIndex) {
        report({
          code: 'frontmatter/order',
          line: lineOfKey(yamlLines, ['order'], 2),
          message: '`order` is a list only on a section page (index.md); on a page it is a number',
          hint: 'Write a number (order: 2), or move the list to this folder\'s index.md.',
        });
      }

      if (fm.layout !== undefined && !options.layouts.includes(layoutName(fm.layout))) {
        report({
          code: 'frontmatter/layout',
          line: lineOfKey(yamlLines, ['layout'], 2),
          message: `there is no layout named "${fm.layout}"`,
          hint: `Use one of: ${options.layouts.join(', ')} (files in layouts/), or remove the line to use the default.`,
        });
        delete fm.layout; // reported: later stages use the default rather than fail a second time
      }

      if (type === 'runbook') {
        for (const field of runbookRequiredFields) {
          if (fm[field] !== undefined || !result.success) continue;
          report({
            code: 'runbook/missing-field',
            line: 1,
            message: `this runbook has no \`${field}\``,
            hint: runbookHint(field, teams),
          });
        }
        if (fm.owner !== undefined && teams.length && !teams.includes(fm.owner)) {
          const suggestion = closest(fm.owner, teams);
          report({
            code: 'runbook/owner',
            line: lineOfKey(yamlLines, ['owner'], 2),
            message: `\`owner\` "${fm.owner}" is not a team in site.yml${suggestion ? ` — did you mean "${suggestion}"?` : ''}`,
            hint: `Use one of: ${teams.join(', ')}; new teams are added under "teams:" in site.yml.`,
          });
        }
      }

      if (fm.draft || adopted.draft) {
        debug('skipping draft %s', source);
        ctx.adoption.leftOut.push({ source, why: fm.draft ? 'draft: true' : 'published: false' });
        delete pages[name];
        continue;
      }
      if (fm.order === undefined && adopted.order !== undefined) fm.order = adopted.order;
      Object.assign(file, fm, page, { title, type, frontMatter: yamlText, navTitle: adopted.navTitle, unlisted: adopted.unlisted });
      if (adopted.unlisted) ctx.adoption.unlisted.push({ source, why: adopted.unlisted === 'nav' ? 'hidden from navigation' : 'unlisted' });
      if (type === 'runbook' && fm.last_reviewed) {
        // Compared with the build date (SOURCE_DATE_EPOCH when set), so builds stay reproducible.
        const state = reviewState(fm.last_reviewed, fm.review_every ?? site.review_every_days, ctx.now);
        file.reviewOverdue = state && { days: state.days, since: state.due };
      }
      file.contents = Buffer.from(content);
    }
    for (const [key, u] of unknown) {
      diagnostics.report(u.source, {
        code: 'frontmatter/unknown-field',
        severity: 'warning',
        line: u.line,
        message: `\`${key}\` is not a known field (${u.count} ${u.count === 1 ? 'file' : 'files'}, first ${diagnostics.displayPath(u.source)}:${u.line}); it is ignored`,
        hint: `Remove it if nothing needs it. Known fields: ${frontMatterFields.join(', ')}.`,
      });
    }
  };
}

function validFields(data: Record<string, unknown>, bad: readonly PropertyKey[]): FrontMatter {
  const rest = Object.fromEntries(Object.entries(data).filter(([k]) => !bad.includes(k)));
  const again = frontMatterSchema.safeParse(rest);
  return again.success ? again.data : {};
}

function pageBasics(source: string, bodyLine: number): Partial<Page> {
  const dir = source.includes('/') ? source.slice(0, source.lastIndexOf('/')) : '';
  const isIndex = isIndexSource(source);
  return { source, bodyLine, dir, isIndex, section: dir, type: 'page' };
}

function runbookHint(field: string, teams: readonly string[]): string {
  switch (field) {
    case 'owner':
      return `Add "owner: <team>" with one of: ${teams.join(', ') || '(teams in site.yml)'}.`;
    case 'severity':
      return 'Add "severity: warning" or "severity: critical" (critical wakes someone up).';
    case 'services':
      return 'Add "services: [service-name]" listing the services this runbook is about.';
    case 'alerts':
      return 'Add "alerts: [alert.name]" with the monitor names that link to this runbook.';
    case 'last_reviewed':
      return 'Add "last_reviewed: YYYY-MM-DD" with the date someone last checked this runbook.';
    default:
      return `Add "${field}:" to the front matter.`;
  }
}

/** UTF-8 text without NUL bytes. */
function isText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

interface Parsed {
  data: Record<string, unknown>;
  body: string;
  bodyLine: number;
  /** The YAML between the delimiters (its first line is line 2 of the file); undefined without front matter. */
  yamlText: string | undefined;
}

function parse(text: string, report: (i: Parameters<BuildContext['diagnostics']['report']>[1]) => void): Parsed | undefined {
  const firstEnd = lineEnd(text, 0);
  if (!/^---[ \t]*$/.test(text.slice(0, firstEnd))) return { data: {}, body: text, bodyLine: 1, yamlText: undefined };

  // The closing line, found line by line without splitting the whole page (most of it is body).
  let close = -1;
  let line = 1;
  for (let at = firstEnd + 1; at <= text.length && firstEnd < text.length; ) {
    const end = lineEnd(text, at);
    line++;
    if (DELIMITER.test(text.slice(at, end))) {
      close = at;
      break;
    }
    at = end + 1;
  }
  if (close === -1) {
    report({
      code: 'frontmatter/unclosed',
      line: 1,
      message: 'the front matter that starts on line 1 with "---" is never closed',
      hint: 'Add a line with just "---" after the last front-matter field (before the page text).',
    });
    return undefined;
  }
  const yamlText = text.slice(firstEnd + 1, Math.max(firstEnd + 1, close - 1));
  let data: unknown;
  try {
    // gray-matter does the YAML. It is given the front-matter block only (it copies its whole input
    // into a Buffer), and options, so it does not keep a global cache of every page.
    data = matter(`---\n${yamlText}\n---\n`, { language: 'yaml' }).data;
  } catch (err) {
    const e = err as YamlError;
    const at = yamlErrorPosition(yamlText, e);
    report({
      code: 'frontmatter/yaml',
      line: at.line + 1,
      column: at.column,
      message: `the front matter is not valid YAML: ${e.reason ?? e.message}`,
      hint: yamlErrorHint(e, 'Each line is "field: value"; put values containing ":" or starting with "{", "[", "*" or "@" in quotes.'),
      cause: err,
    });
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    report({
      code: 'frontmatter/shape',
      line: 2,
      message: 'the front matter must be a list of "field: value" lines',
      hint: 'Write one "field: value" per line between the --- lines.',
    });
    return undefined;
  }
  const closeEnd = lineEnd(text, close);
  const body = closeEnd >= text.length ? '' : text.slice(closeEnd + 1);
  return { data: { ...(data as Record<string, unknown>) }, body, bodyLine: line + 1, yamlText };
}

/** Index of the newline ending the line that starts at `at` (the text's length on the last line). */
function lineEnd(text: string, at: number): number {
  const n = text.indexOf('\n', at);
  return n === -1 ? text.length : n;
}
