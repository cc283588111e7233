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
import { HelperUsageError, type ContentHelper, type HelperOptions } from '../lib/templates/helper-types.ts';
import { blankMustache, scanTemplate } from '../lib/templates/template-scan.ts';
import { staticIncludes, type Include } from '../lib/templates/handlebars-includes.ts';
import { analyseGraph, includeGraph, MAX_PARTIAL_DEPTH, type PartialGraph } from '../lib/templates/partial-graph.ts';
import { loadPartials } from '../lib/templates/partial-sources.ts';

export interface TemplatesOptions {
  helpers: readonly ContentHelper[];
}

/** How many failing helpers, values and partials of one page are reported (each costs a render). */
const MAX_RENDER_PROBLEMS = 50;

const LITERAL_HINT = 'To show literal braces in text, write \\{{ (a backslash before the braces) or put them in `code`.';

export default function templates(ctx: BuildContext, options: TemplatesOptions): Metalsmith.Plugin {
  const { hbs, shield } = ctx;
  for (const h of options.helpers) {
    const fn = h.create(ctx);
    // Arguments may carry shielded code (a `code span` inside a helper's quotes): restore it.
    hbs.registerHelper(h.name, function (this: unknown, ...args: unknown[]) {
      if (args.length - 1 > h.maxArgs) {
        const options = args[args.length - 1] as HelperOptions;
        const given = args.length - 1;
        throw new HelperUsageError(`{{${h.name}}} takes ${h.maxArgs === 1 ? 'one value' : `${h.maxArgs} values`}, and this gives it ${given}`, `Write it as ${h.usage}.`, options.loc);
      }
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
      return (locals: Record<string, unknown>) => render(source, text, locals);
    },
  };

  /**
   * The page rendered, or every problem of it reported and its text returned. Syntax problems are
   * found all at once by a scan (lib/templates/template-scan.ts); a failing helper, value or
   * partial stops Handlebars, so the failing `{{ }}` is blanked and the page rendered again, up to
   * a limit, to find the next one.
   */
  function render(source: string, text: string, locals: Record<string, unknown>): string {
    const bodyLine = Number(locals.bodyLine) || 1;
    let program: hbs.AST.Program | undefined;
    try {
      program = hbs.parse(text);
    } catch (err) {
      const problems = scanTemplate(hbs, text);
      if (!problems.length) {
        reportTemplateError(ctx, source, text, err, helperNames, bodyLine);
        return text;
      }
      for (const p of problems) {
        const lc = lineColumnAt(text, p.offset);
        ctx.diagnostics.report(source, { code: p.code, line: lc.line + bodyLine - 1, column: lc.column, message: p.message, hint: p.hint, cause: err });
      }
    }
    if (!program) return text;
    if (!includesRenderable(source, staticIncludes(program), bodyLine)) return text;
    let current = text;
    let failed = false;
    const seen = new Set<number>();
    for (let round = 0; round < MAX_RENDER_PROBLEMS; round++) {
      try {
        const out = hbs.compile(round === 0 ? program : current, { strict: true })(locals);
        return failed ? text : out;
      } catch (err) {
        failed = true;
        const offset = reportTemplateError(ctx, source, current, err, helperNames, bodyLine);
        if (offset === undefined || seen.has(offset)) return text;
        seen.add(offset);
        const next = blankMustache(current, offset);
        if (next === undefined) return text;
        current = next;
      }
    }
    return text;
  }

  /** The partials' loops and chain depths, worked out once a run, when a page first includes a partial. */
  let partialGraph: PartialGraph | undefined;
  const graphOfPartials = (): PartialGraph => {
    if (partialGraph) return partialGraph;
    const found = loadPartials(ctx);
    const graph = includeGraph(found, (t) => staticIncludes(hbs.parse(shield.shield(t))));
    return (partialGraph = analyseGraph(graph, found.map((p) => p.name)));
  };

  /**
   * False, with the problem reported at the include, when a partial the page includes loops or
   * starts a chain deeper than the limit: rendering it would overflow the stack (issue 12).
   */
  function includesRenderable(source: string, includes: readonly Include[], bodyLine: number): boolean {
    if (!includes.length) return true;
    const g = graphOfPartials();
    let ok = true;
    for (const inc of includes) {
      const d = g.depth.get(inc.name);
      const at = { line: inc.line + bodyLine - 1, column: inc.column };
      if (g.looping.has(inc.name)) {
        ctx.diagnostics.report(source, {
          code: 'template/recursion',
          ...at,
          message: 'a partial used on this page includes itself, so the page can never finish',
          hint: 'Remove the {{> ...}} include that loops back (see the partial/cycle problem reported for the partial).',
        });
        ok = false;
      } else if (d && d.depth > MAX_PARTIAL_DEPTH) {
        ctx.diagnostics.report(source, {
          code: 'template/too-deep',
          ...at,
          message: `partial "${inc.name}" starts a chain of ${d.depth} partials, each including the next; the limit is ${MAX_PARTIAL_DEPTH} levels, so this page is not rendered`,
          hint: `Put the text of the inner partials into fewer files (see the partial/too-deep problem reported for partial "${inc.name}").`,
        });
        ok = false;
      }
    }
    return ok;
  }

  return function templates(files, metalsmith, done) {
    // The shield asks md4c what is code (lib/markdown/shield.ts): its WebAssembly must be ready.
    markdownReady.then(() => run(files, metalsmith, done), done);
  };

  function run(files: Metalsmith.Files, metalsmith: Metalsmith, done: Metalsmith.DoneCallback) {
    partialGraph = undefined; // partials may have changed since the last run (the dev server)
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

/**
 * Translates a Handlebars error into a message for the page's author, at the right line; returns
 * the offset in `text` of the `{{ }}` at fault when it is known (so the page can be rendered past it).
 */
function reportTemplateError(ctx: BuildContext, source: string, text: string, err: unknown, helpers: readonly string[], bodyLine: number): number | undefined {
  const page = ctx.diagnostics;
  const pos = handlebarsErrorPosition(err);
  // Handlebars counts lines from the body's first line; people count from the file's first line.
  const at = (line: number, column: number) => ({ line: line + bodyLine - 1, column });
  const atOffset = (offset: number) => {
    const lc = lineColumnAt(text, offset);
    return at(lc.line, lc.column);
  };
  const known = `Helpers: ${helpers.join(', ')}; partials: {{> name}} for files in partials/.`;

  if (err instanceof HelperUsageError) {
    page.report(source, { code: 'template/helper-usage', ...at(pos.line, pos.column), message: err.message, hint: err.hint, cause: err });
    return err.loc ? offsetOf(text, err.loc.start.line, err.loc.start.column) : undefined;
  }
  const message = pos.summary;
  let m: RegExpExecArray | null;
  if ((m = /^Missing helper: "(.+)"$/.exec(message)) || (m = /^"(.+)" not defined in/.exec(message))) {
    const name = m[1]!;
    const offset = nameOffset(text, pos) ?? find(text, new RegExp(`\\{\\{[#^/]?\\s*${escapeRe(name)}\\b`));
    page.report(source, {
      code: 'template/unknown',
      ...(offset !== undefined ? atOffset(offset) : at(pos.line, pos.column)),
      message: `\`{{${name}}}\` is not a helper or a value this page knows`,
      hint: `${known} ${LITERAL_HINT}`,
      cause: err,
    });
    return offset;
  }
  if ((m = /^The partial (.+) could not be found$/.exec(message))) {
    const name = m[1]!;
    // A fixed name is found as written; a computed one (`{{> (lookup . "name")}}`) at the first include that computes its name.
    const fixed = find(text, new RegExp(`\\{\\{~?#?>\\s*${escapeRe(name)}(?=[\\s}~])`));
    const offset = fixed ?? dynamicPartialOffset(text);
    page.report(source, {
      code: 'template/missing-partial',
      ...(offset !== undefined ? atOffset(offset) : at(pos.line, pos.column)),
      message: fixed === undefined && offset !== undefined ? `this include computes the partial name "${name}", and there is no partial of that name` : `there is no partial named "${name}"`,
      hint: `Partials are the files under partials/, named by their path without extension (partials/${name}.md would be {{> ${name}}}).`,
      cause: err,
    });
    return offset;
  }
  if ((m = /^(.+) doesn't match (.+)$/.exec(message))) {
    page.report(source, {
      code: 'template/mismatched-block',
      ...at(pos.line, pos.column),
      message: `{{/${m[2]}}} closes a block, but the block open here is {{#${m[1]}}}`,
      hint: `Close {{#${m[1]}}} with {{/${m[1]}}} before closing another block.`,
      cause: err,
    });
    return undefined;
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
      return undefined;
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
    return undefined;
  }
  page.report(source, {
    code: 'template/syntax',
    ...at(pos.line, pos.column),
    message: `the {{ }} template here is not valid: ${message.split('\n')[0]}`,
    hint: LITERAL_HINT,
    cause: err,
  });
  return undefined;
}

/** Offset of a 1-based line and 0-based column. */
function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line && at !== -1; l++) at = text.indexOf('\n', at) + 1 || -1;
  return at === -1 ? 0 : at + column;
}

/** Where an unknown name is used: at Handlebars' position when it gave one, else its first use. */
function nameOffset(text: string, pos: { line: number; column: number }): number | undefined {
  if (pos.line === 1 && pos.column === 1) return undefined;
  const offset = offsetOf(text, pos.line, pos.column - 1);
  const before = text.lastIndexOf('{{', offset + 1);
  return before === -1 ? undefined : before;
}

/** The first `{{> (...)}}` whose partial name is computed. */
function dynamicPartialOffset(text: string): number | undefined {
  return find(text, /\{\{~?#?>\s*\(/);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function find(text: string, re: RegExp): number | undefined {
  return re.exec(text)?.index;
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
