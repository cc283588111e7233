/**
 * Stage 4, markdown: @metalsmith/markdown with GitHub-flavoured Markdown and build-time
 * highlighting. The plugin is given md4c (WebAssembly) as its engine instead of its default,
 * marked: lib/markdown/markdown-engine.mjs has the measurements. Helper HTML held back from Markdown
 * (lib/markdown/shield.ts HtmlStash) is put back here, then tables get their own scroll box and long inline
 * code its break points (lib/markdown/readable.ts).
 * Reads: page.contents (Markdown after templates), page.htmlStash (held-back helper HTML), ctx.renderCache.
 * Writes: page.contents (HTML), page.renderCache; `x.md` becomes `x.html`.
 *
 * One thread: worker threads did not pay for their memory (docs/decisions.md#markdown-threads).
 */
import markdownPlugin from '@metalsmith/markdown';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/core/context.ts';
import { hasRawHtml, markdownReady, renderMarkdown } from '../lib/markdown/markdown-engine.mjs';
import type { Files } from '../lib/core/page.ts';
import { readableHtml } from '../lib/markdown/readable.ts';
import { sanitizeRendered } from '../lib/markdown/sanitize.ts';
import { RemovalReporter } from '../lib/markdown/sanitize-report.ts';
import { HtmlStash } from '../lib/markdown/shield.ts';

export default function markdown(ctx: BuildContext): Metalsmith.Plugin {
  return function markdown(files, metalsmith, done) {
    const debug = metalsmith.debug('runbook-smith:markdown');
    const cache = ctx.renderCache;
    const removals = new RemovalReporter(ctx);
    // A page whose text was rendered by an earlier build gets that build's HTML, already through
    // the headings stage (lib/io/render-cache.ts); the headings stage then only takes its results.
    // Raw HTML is sanitized (lib/markdown/sanitize.ts) before the helpers' own HTML goes back in, so only
    // what the author wrote is cut down; what was removed travels with the page (and its cache
    // record), so a page from the cache warns exactly as a rendered one.
    const render = markdownPlugin({
      render: (text: string, _options: object, context: { path: string }) => {
        const page = (files as Files)[context.path]!;
        const stash = page.htmlStash ?? new HtmlStash();
        const entry = cache?.lookup(cache.key(stash.expand(text)));
        page.renderCache = entry;
        if (entry?.hit) {
          page.removed = entry.hit.removed;
          removals.report(page, entry.hit.removed);
          return entry.hit.html;
        }
        const md = renderMarkdown(text);
        // Pages the build generates (plugins/runbooks.ts) are its own HTML, every value escaped.
        if (page.generated) return readableHtml(stash.restore(stash.restoreText(md)));
        const { html, removed } = sanitizeRendered(stash.restoreText(md), hasRawHtml(text, md));
        page.removed = removed;
        removals.report(page, removed);
        return readableHtml(stash.restore(html));
      },
    } as never);
    // Rendering starts in a promise callback, outside the stage wrapper's try/catch (lib/core/stage.ts):
    // an error thrown while rendering is handed to `done` here, once, so it still fails the stage.
    markdownReady.then(() => {
      let finished = false;
      try {
        render(files, metalsmith, (err?: Error | null) => {
          finished = true;
          if (err) return done(err);
          debug('rendered');
          done();
        });
      } catch (err) {
        if (!finished) done(err as Error);
        else throw err;
      }
    }, done);
  };
}
