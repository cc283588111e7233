/**
 * Stage 4, markdown: @metalsmith/markdown with GitHub-flavoured Markdown and build-time
 * highlighting. The plugin is given md4c (WebAssembly) as its engine instead of its default,
 * marked: lib/markdown-engine.mjs has the measurements. Helper HTML held back from Markdown
 * (lib/shield.ts HtmlStash) is put back here, then tables get their own scroll box and long inline
 * code its break points (lib/readable.ts).
 * Reads: page.contents (Markdown after templates), ctx.html (held-back helper HTML), ctx.renderCache.
 * Writes: page.contents (HTML), page.renderCache; `x.md` becomes `x.html`.
 *
 * One thread: worker threads did not pay for their memory (docs/decisions.md#markdown-threads).
 */
import markdownPlugin from '@metalsmith/markdown';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { markdownReady, renderMarkdown } from '../lib/markdown-engine.mjs';
import type { Files } from '../lib/page.ts';
import { readableHtml } from '../lib/readable.ts';

export default function markdown(ctx: BuildContext): Metalsmith.Plugin {
  return function markdown(files, metalsmith, done) {
    const debug = metalsmith.debug('runbook-smith:markdown');
    const cache = ctx.renderCache;
    // A page whose text was rendered by an earlier build gets that build's HTML, already through
    // the headings stage (lib/render-cache.ts); the headings stage then only takes its results.
    const render = markdownPlugin({
      render: (text: string, _options: object, context: { path: string }) => {
        const page = (files as unknown as Files)[context.path]!;
        const entry = cache?.lookup(cache.key(ctx.html.expand(text)));
        page.renderCache = entry;
        return entry?.hit ? entry.hit.html : readableHtml(ctx.html.restore(renderMarkdown(text)));
      },
    } as never);
    // Rendering starts in a promise callback, outside the stage wrapper's try/catch (lib/stage.ts):
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
