/**
 * Stage 4, markdown: @metalsmith/markdown (marked) with GitHub-flavoured Markdown and build-time
 * highlighting. Options are passed per call, never set on marked's global instance.
 * `mangle: false` because marked's default obfuscates e-mail links with random entities, which
 * makes two builds of the same input differ (FACTS.md). Heading ids are left to the headings stage.
 * Helper HTML held back from Markdown (lib/shield.ts HtmlStash) is put back here.
 */
import markdownPlugin from '@metalsmith/markdown';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { highlight } from '../lib/highlight.ts';
import type { Files } from '../lib/page.ts';

export const engineOptions = {
  gfm: true,
  mangle: false,
  headerIds: false,
  langPrefix: 'hljs language-',
  highlight: (code: string, lang: string) => highlight(code, lang),
};

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
