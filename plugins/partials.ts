/**
 * Stage 1, partials: registers every file under partials/ as a Handlebars partial named by its
 * path without extension (`partials/alerts/levels.md` is `{{> alerts/levels}}`), on the build's
 * own Handlebars instance, for content and layouts alike.
 *
 * Partials are checked before any page uses them: a syntax error, a missing partial or a partial
 * that includes itself (directly or through others), or a chain of includes more than
 * MAX_PARTIAL_DEPTH deep, is reported against the partial's own file
 * and line, instead of surfacing as "Maximum call stack size exceeded" in some page.
 * Reads: the files under partials/. Writes: partials on ctx.hbs (no page field).
 */
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import { markdownReady } from '../lib/markdown/markdown-engine.mjs';
import { handlebarsErrorPosition } from '../lib/templates/handlebars-errors.ts';
import { staticIncludes, type Include } from '../lib/templates/handlebars-includes.ts';
import { analyseGraph, chainFrom, MAX_PARTIAL_DEPTH } from '../lib/templates/partial-graph.ts';
import { loadPartials, readPartials, type PartialSource } from '../lib/templates/partial-sources.ts';

export interface PartialsOptions {
  /** Folder of partials; default: the context's partials/ folder. */
  directory?: string;
}

export default function partials(ctx: BuildContext, options: PartialsOptions = {}): Metalsmith.Plugin {
  const directory = options.directory ?? ctx.partialsDir;
  return async function partials(_files, metalsmith) {
    await markdownReady; // the shield asks md4c what is code (lib/markdown/shield.ts)
    const debug = metalsmith.debug('runbook-smith:partials');
    const found = directory === ctx.partialsDir ? loadPartials(ctx) : readPartials(directory);
    for (const p of found) ctx.hbs.registerPartial(p.name, ctx.shield.shield(p.text));
    checkPartials(ctx, found);
    debug('registered %d partials', found.length);
  };
}

/** Syntax errors, includes of missing partials and include cycles, each reported once. */
function checkPartials(ctx: BuildContext, found: readonly PartialSource[]): void {
  const graph = new Map<string, Include[]>();
  const byName = new Map(found.map((p) => [p.name, p]));
  for (const p of found) {
    try {
      graph.set(p.name, staticIncludes(ctx.hbs.parse(ctx.shield.shield(p.text))));
    } catch (err) {
      const pos = handlebarsErrorPosition(err);
      ctx.diagnostics.reportFile(p.file, {
        code: 'partial/syntax',
        line: pos.line,
        column: pos.column,
        message: `this partial has a template error: ${pos.summary}`,
        hint: 'Close every {{#block}} with {{/block}}; to show literal braces write \\{{.',
        cause: err,
      });
      graph.set(p.name, []);
    }
  }
  for (const p of found) {
    for (const inc of graph.get(p.name) ?? []) {
      if (!byName.has(inc.name)) {
        ctx.diagnostics.reportFile(p.file, {
          code: 'partial/missing',
          line: inc.line,
          column: inc.column,
          message: `this partial includes "${inc.name}", which does not exist`,
          hint: `Create partials/${inc.name}.md, or fix the name (partials are named by their path under partials/).`,
        });
      }
    }
  }
  // Loops, each reported once at the include that closes it; then chains too deep to render.
  const analysis = analyseGraph(graph, found.map((p) => p.name));
  for (const c of analysis.cycles) {
    ctx.diagnostics.reportFile(byName.get(c.from)!.file, {
      code: 'partial/cycle',
      line: c.include.line,
      column: c.include.column,
      message: `partial "${c.from}" includes itself: ${c.names.filter((n, i) => i === 0 || n !== c.names[i - 1]).join(' → ')}`,
      hint: 'Remove one of these {{> ...}} includes so the partials no longer include each other in a loop.',
    });
  }
  const includedByDeep = new Set<string>();
  for (const d of analysis.depth.values()) if (d.depth > MAX_PARTIAL_DEPTH && d.next) includedByDeep.add(d.next.name);
  for (const p of found) {
    const d = analysis.depth.get(p.name);
    // Reported once, at the start of the chain (not again for each partial along it).
    if (!d || d.depth <= MAX_PARTIAL_DEPTH || includedByDeep.has(p.name) || analysis.looping.has(p.name)) continue;
    const chain = chainFrom(analysis, p.name, 3);
    ctx.diagnostics.reportFile(p.file, {
      code: 'partial/too-deep',
      line: d.next?.line ?? 1,
      column: d.next?.column ?? 1,
      message: `partial "${p.name}" starts a chain of ${d.depth} partials, each including the next (${chain.join(' → ')} → …); the limit is ${MAX_PARTIAL_DEPTH} levels`,
      hint: `Put the text of the inner partials into fewer files: a chain of includes may be at most ${MAX_PARTIAL_DEPTH} partials deep.`,
    });
  }
}
