/**
 * Stage 4, markdown: @metalsmith/markdown (marked) with GitHub-flavoured Markdown and build-time
 * highlighting (options in lib/markdown-options.mjs, passed per call, never set on marked's global
 * instance). Helper HTML held back from Markdown (lib/shield.ts HtmlStash) is put back here.
 *
 * Measured alternatives (10,000 benchmark pages, 2 cores): marked 18 and markdown-it 15 parse no
 * faster than marked 4.3 (1.7-2.3 s each); rendering on two worker threads saved only ~20% (each
 * worker pays marked's JIT warm-up again) for ~40 MB more peak memory, so it is not used.
 */
import markdownPlugin from '@metalsmith/markdown';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { engineOptions } from '../lib/markdown-options.mjs';
import type { Files } from '../lib/page.ts';

export { engineOptions };

export default function markdown(ctx: BuildContext): Metalsmith.Plugin {
  const render = markdownPlugin({ engineOptions } as never);
  return function markdown(files, metalsmith, done) {
    const debug = metalsmith.debug('runbook-smith:markdown');
    render(files, metalsmith, (err?: Error | null) => {
      if (err) return done(err);
      const pages = files as unknown as Files;
      for (const key of Object.keys(pages)) {
        if (!key.endsWith('.html')) continue;
        const page = pages[key]!;
        const html = page.contents.toString('utf8');
        const restored = ctx.html.restore(html);
        if (restored !== html) page.contents = Buffer.from(restored);
      }
      debug('rendered');
      done();
    });
  };
}
