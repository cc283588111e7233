/**
 * Stage 3, templates: Handlebars over every Markdown page, in place, with the project's helpers
 * (plugins/helpers/, one file each) and partials, through @metalsmith/in-place and
 * jstransformer-handlebars.
 *
 * Three things differ from plugging those packages in as they come, each for a reason:
 * - jstransformer-handlebars registers helpers and partials on the module-global Handlebars
 *   (they leak between builds, FACTS.md). We hand in-place a transformer with the same name and
 *   formats whose `compile` uses this build's private `Handlebars.create()` instance.
 * - Code regions are shielded first (lib/markdown/shield.ts), so `{{ $labels.instance }}` in a code fence
 *   comes out byte for byte.
 * - in-place stops at the first failing file. Our compile wrapper records the problem with the
 *   file's own line (front matter included) and lets the others render, so one build lists every
 *   template mistake.
 * Reads: page.contents (Markdown with `{{`), page fields for helpers, page.htmlStash. Writes:
 * page.contents (Markdown), page.htmlStash (helper HTML held back from Markdown).
 */
import inPlace from '@metalsmith/in-place';
import jstransformerHandlebars from 'jstransformer-handlebars';
import type Metalsmith from 'metalsmith';
import path from 'node:path';
import type { BuildContext } from '../lib/core/context.ts';
import { markdownReady } from '../lib/markdown/markdown-engine.mjs';
import { lineColumnAt } from '../lib/core/diagnostics.ts';
import { isMarkdown, type Files } from '../lib/core/page.ts';
import { HtmlStash } from '../lib/markdown/shield.ts';
import { handlebarsErrorPosition } from '../lib/templates/handlebars-errors.ts';
import { HelperUsageError, type ContentHelper } from '../lib/templates/helper-types.ts';

export interface TemplatesOptions {
  helpers: readonly ContentHelper[];
}

const LITERAL_HINT = 'To show literal braces in text, write \\{{ (a backslash before the braces) or put them in `code`.';

export default function templates(ctx: BuildContext, options: TemplatesOptions): Metalsmith.Plugin {
  const { hbs, shield } = ctx;
  for (const h of options.helpers) {
    const fn = h.create(ctx);
    // Arguments may carry shielded code (a `code span` inside a helper's quotes): restore it.
    hbs.registerHelper(h.name, function (this: unknown, ...args: unknown[]) {
      return (fn as (...a: unknown[]) => unknown).apply(this, args.map((a) => (typeof a === 'string' ? shield.restore(a) : a)));
    });
  }
  const helperNames = options.helpers.map((h) => h.name);

  /** in-place hands us a file's text and (with engineOptions.filename set) its absolute path. */
  const transformer = {
    name: jstransformerHandlebars.name,
    inputFormats: ['md', 'markdown'],
    outputFormat: 'md',
    compile(text: string, engineOptions: { filename?: string }) {
      if (!text.includes('{{')) return () => text; // nothing to template: skip the compile
      const source = path.relative(ctx.source, engineOptions.filename ?? '').split(path.sep).join('/');
      const template = hbs.compile(text, { strict: true });
      return (locals: Record<string, unknown>) => {
        try {
          return template(locals);
        } catch (err) {
          reportTemplateError(ctx, source, text, err, helperNames, Number(locals.bodyLine) || 1);
          return text;
        }
      };
    },
  };

  return function templates(files, metalsmith, done) {
    // The shield asks md4c what is code (lib/markdown/shield.ts): its WebAssembly must be ready.
    markdownReady.then(() => run(files, metalsmith, done), done);
  };

  function run(files: Metalsmith.Files, metalsmith: Metalsmith, done: Metalsmith.DoneCallback) {
    const debug = metalsmith.debug('runbook-smith:templates');
    const pages = files as Files;
    // Only pages with `{{` left outside code are templated: in-place runs on that subset (through
    // Metalsmith's own run(), which scopes its file matching to it). The rest are not converted,
    // validated or copied at all, which was most of this stage's time (docs/decisions.md#templates-subset).
    const subset: Metalsmith.Files = {};
    for (const n of Object.keys(pages)) {
      const page = pages[n]!;
      // Pages the build generates are never templates: their text comes from front matter (issue 12).
      if (!isMarkdown(n) || page.generated || ctx.diagnostics.broken.has(page.source)) continue;
      const text = page.contents.toString('utf8');
      if (!text.includes('{{')) continue;
      const shielded = shield.shield(text);
      if (!shielded.includes('{{')) continue; // braces only inside code: nothing to template
      page.contents = Buffer.from(shielded);
      page.htmlStash ??= new HtmlStash();
      subset[n] = page;
    }
    const inPlaceRun = inPlace({
      transform: transformer as never,
      pattern: '**/*.{md,markdown}',
      extname: '.md',
      engineOptions: { filename: true },
    });
    metalsmith
      .run(subset, [inPlaceRun])
      .then(() => metalsmith.run(files, [])) // scope Metalsmith's file list back to the whole site
      .then(() => {
        for (const n of Object.keys(subset)) {
          const page = pages[n]!;
          page.contents = Buffer.from(shield.restore(page.contents.toString('utf8')));
        }
        debug('templated %d of %d pages', Object.keys(subset).length, Object.keys(pages).length);
        done();
      })
      .catch(done);
  }
}

/** Translates a Handlebars error into a message for the page's author, at the right line. */
function reportTemplateError(ctx: BuildContext, source: string, text: string, err: unknown, helpers: readonly string[], bodyLine: number): void {
  const page = ctx.diagnostics;
  const pos = handlebarsErrorPosition(err);
  // Handlebars counts lines from the body's first line; people count from the file's first line.
  const at = (line: number, column: number) => ({ line: line + bodyLine - 1, column });
  const known = `Helpers: ${helpers.join(', ')}; partials: {{> name}} for files in partials/.`;

  if (err instanceof HelperUsageError) {
    page.report(source, { code: 'template/helper-usage', ...at(pos.line, pos.column), message: err.message, hint: err.hint, cause: err });
    return;
  }
  const message = pos.summary;
  let m: RegExpExecArray | null;
  if ((m = /^Missing helper: "(.+)"$/.exec(message)) || (m = /^"(.+)" not defined in/.exec(message))) {
    const name = m[1]!;
    const where = find(text, new RegExp(`\\{\\{[#^/]?\\s*${escapeRe(name)}\\b`)) ?? { line: pos.line, column: pos.column };
    page.report(source, {
      code: 'template/unknown',
      ...at(where.line, where.column),
      message: `\`{{${name}}}\` is not a helper or a value this page knows`,
      hint: `${known} ${LITERAL_HINT}`,
      cause: err,
    });
    return;
  }
  if ((m = /^The partial (.+) could not be found$/.exec(message))) {
    const name = m[1]!;
    const where = find(text, new RegExp(`\\{\\{>\\s*${escapeRe(name)}`)) ?? { line: pos.line, column: pos.column };
    page.report(source, {
      code: 'template/missing-partial',
      ...at(where.line, where.column),
      message: `there is no partial named "${name}"`,
      hint: `Partials are the files under partials/, named by their path without extension (partials/${name}.md would be {{> ${name}}}).`,
      cause: err,
    });
    return;
  }
  if ((m = /^(.+) doesn't match (.+)$/.exec(message))) {
    page.report(source, {
      code: 'template/mismatched-block',
      ...at(pos.line, pos.column),
      message: `{{/${m[2]}}} closes a block, but the block open here is {{#${m[1]}}}`,
      hint: `Close {{#${m[1]}}} with {{/${m[1]}}} before closing another block.`,
      cause: err,
    });
    return;
  }
  if (/got 'EOF'/.test(message)) {
    const open = unclosedBlock(text);
    if (open) {
      page.report(source, {
        code: 'template/unclosed-block',
        ...at(open.line, open.column),
        message: `{{#${open.name}}} is opened here and never closed`,
        hint: `Add {{/${open.name}}} after the block's content. ${LITERAL_HINT}`,
        cause: err,
      });
      return;
    }
  }
  if (/Maximum call stack/.test(message)) {
    page.report(source, {
      code: 'template/recursion',
      line: bodyLine,
      message: 'a partial used on this page includes itself, so the page can never finish',
      hint: 'Remove the {{> ...}} include that loops back (see the partial/cycle problem reported for the partial).',
      cause: err,
    });
    return;
  }
  page.report(source, {
    code: 'template/syntax',
    ...at(pos.line, pos.column),
    message: `the {{ }} template here is not valid: ${message.split('\n')[0]}`,
    hint: LITERAL_HINT,
    cause: err,
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function find(text: string, re: RegExp): { line: number; column: number } | undefined {
  const m = re.exec(text);
  return m ? lineColumnAt(text, m.index) : undefined;
}

/** The innermost block opened and not closed, by scanning `{{#name` / `{{/name` pairs. */
function unclosedBlock(text: string): { name: string; line: number; column: number } | undefined {
  const stack: { name: string; index: number }[] = [];
  for (const m of text.matchAll(/(?<!\\)\{\{~?\s*([#/])\s*([^\s}~]+)/g)) {
    if (m[1] === '#') stack.push({ name: m[2]!, index: m.index! });
    else {
      const i = stack.map((s) => s.name).lastIndexOf(m[2]!);
      if (i !== -1) stack.splice(i);
    }
  }
  const last = stack[stack.length - 1];
  return last ? { name: last.name, ...lineColumnAt(text, last.index) } : undefined;
}
