/**
 * Stage 4, markdown: @metalsmith/markdown with GitHub-flavoured Markdown and build-time
 * highlighting. The plugin is given md4c (WebAssembly) as its engine instead of its default,
 * marked: lib/markdown-engine.mjs has the measurements. Helper HTML held back from Markdown
 * (lib/shield.ts HtmlStash) is put back here, then tables get their own scroll box and long inline
 * code its break points (lib/readable.ts).
 *
 * Measured alternatives, from when marked was the engine (10,000 benchmark pages, 2 cores):
 * rendering on two worker threads saved only ~20% (each worker pays marked's JIT warm-up again)
 * for ~40 MB more peak memory, so it is not used.
 * Nor is the whole build split over two threads, each running every stage on its own half of the
 * pages and swapping heading ids and search records (git branch experiment/threads): 18.5 s
 * against 18.3 s on one thread at 10,000 pages, 780 MB peak instead of ~510, and slower at 1,000.
 * On this 2-core machine one build thread already keeps ~1.4 cores busy (garbage collection, JIT,
 * file writes), and two single-thread builds run side by side each took 1.5x as long.
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
