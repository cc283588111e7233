/**
 * Conventions stage (after frontmatter, before templates): the Markdown other tools' runbooks are
 * written in, made ours. GitHub alerts, MkDocs and Docusaurus admonitions become the site's
 * callouts (lib/markdown/admonitions.ts); Hugo `ref`/`relref` shortcodes become links the links stage
 * checks; other Hugo shortcodes, MDX imports and components, and MkDocs snippets are reported at
 * their line with what to write instead (lib/markdown/foreign-syntax.ts). Pages with a ```mermaid block are
 * marked, so only they load the diagram script.
 * Reads: page.contents (Markdown), page.source, page.bodyLine. Writes: page.contents (Markdown),
 * page.htmlStash (the callouts' tags), page.hasDiagram.
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { convertAdmonitions, mayHaveAdmonitions } from '../lib/markdown/admonitions.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { adoptForeignSyntax } from '../lib/markdown/foreign-syntax.ts';
import { isMarkdown, type Files, type Page } from '../lib/core/page.ts';
import { HtmlStash } from '../lib/markdown/shield.ts';

export default function conventions(ctx: BuildContext): Metalsmith.Plugin {
  return function conventions(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:conventions');
    const pages = files as Files;
    const sources = new Set(Object.keys(files).map((k) => k.split(path.sep).join('/')));
    let refs = 0;
    for (const key of Object.keys(pages)) {
      if (!isMarkdown(key)) continue;
      const page = pages[key]!;
      if (!page.source || ctx.diagnostics.broken.has(page.source)) continue;
      const text = page.contents.toString('utf8');
      const foreign = adoptForeignSyntax(text, (target) => resolveRef(page, target, sources));
      for (const p of foreign.problems) {
        ctx.diagnostics.report(page.source, { code: 'syntax/other-tool', line: page.bodyLine + p.line - 1, column: p.column, message: p.message, hint: p.hint });
      }
      refs += foreign.refs;
      if (foreign.diagram) page.hasDiagram = true;
      // The boxes' tags are held back from Markdown and from the sanitizer (lib/markdown/callout.ts).
      const converted = mayHaveAdmonitions(foreign.text) ? convertAdmonitions(foreign.text, (html) => (page.htmlStash ??= new HtmlStash()).put(html)) : foreign.text;
      if (converted !== text) page.contents = Buffer.from(converted);
    }
    debug('%d Hugo refs', refs);
  };
}

/**
 * A Hugo ref target as a link the links stage resolves: relative to the page when the file is
 * there, else from the content root (`/x.md`), as Hugo looks it up.
 */
function resolveRef(page: Page, target: string, sources: ReadonlySet<string>): string | undefined {
  const hash = target.indexOf('#');
  const file = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? '' : target.slice(hash);
  if (!file || file.startsWith('/')) return undefined; // same page, or from the root: the links stage reads both
  const exists = (p: string) => ['', '.md', '/_index.md', '/index.md', '/README.md'].some((ext) => sources.has(path.posix.normalize(p + ext)));
  if (exists(path.posix.join(page.dir, file))) return undefined;
  if (exists(file)) return `/${file}${anchor}`;
  return undefined;
}
