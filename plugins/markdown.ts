/**
 * Stage 4, markdown: @metalsmith/markdown (marked) with GitHub-flavoured Markdown and build-time
 * highlighting (options in lib/markdown-options.mjs, passed per call, never set on marked's global
 * instance). Helper HTML held back from Markdown (lib/shield.ts HtmlStash) is put back here.
 *
 * Measured alternatives (10,000 benchmark pages, 2 cores): marked 18 and markdown-it 15 parse no
 * faster than marked 4.3 (1.7-2.3 s each); rendering on two worker threads saved only ~20% (each
 * worker pays marked's JIT warm-up again) for ~40 MB more peak memory, so it is not used.
 * Nor is the whole build split over two threads, each running every stage on its own half of the
 * pages and swapping heading ids and search records (git branch experiment/threads): 18.5 s
 * against 18.3 s on one thread at 10,000 pages, 780 MB peak instead of ~510, and slower at 1,000.
 * On this 2-core machine one build thread already keeps ~1.4 cores busy (garbage collection, JIT,
 * file writes), and two single-thread builds run side by side each took 1.5x as long.
 */
import markdownPlugin from '@metalsmith/markdown';
import { marked } from 'marked';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { engineOptions } from '../lib/markdown-options.mjs';

export { engineOptions };

export default function markdown(ctx: BuildContext): Metalsmith.Plugin {
  return function markdown(files, metalsmith, done) {
    const debug = metalsmith.debug('runbook-smith:markdown');
    const cache = ctx.renderCache;
    // A page whose text was rendered by an earlier build gets that build's HTML, already through
    // the headings stage (lib/render-cache.ts); the headings stage then only takes its results.
    const render = markdownPlugin({
      engineOptions,
      render: (text: string, options: object, context: { path: string }) => {
        const page = files[context.path]!;
        const hit = cache?.lookup(page, cache.key(ctx.html.expand(text)));
        return hit ? hit.html : ctx.html.restore(marked(text, options));
      },
    } as never);
    render(files, metalsmith, (err?: Error | null) => {
      if (err) return done(err);
      debug('rendered');
      done();
    });
  };
}
