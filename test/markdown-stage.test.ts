/**
 * The markdown stage waits for its WebAssembly engine before rendering (lib/markdown/markdown-engine.mjs).
 * An error while rendering must still end the build as a named stage failure, as every other
 * stage's does, not escape as an unhandled rejection that leaves the build hanging.
 */
import Metalsmith from 'metalsmith';
import { describe, expect, it } from 'vitest';
import type { BuildContext } from '../lib/core/context.ts';
import { stage } from '../lib/core/stage.ts';
import markdown from '../plugins/markdown.ts';

describe('markdown stage', () => {
  it('reports an error thrown while rendering as "The markdown stage failed"', async () => {
    const ctx = {
      html: { expand: (t: string) => t, restore: (h: string) => h },
      renderCache: {
        key: () => {
          throw new Error('the render cache broke');
        },
        lookup: () => undefined,
      },
    } as unknown as BuildContext;
    const ms = Metalsmith(process.cwd()).use(stage('markdown', markdown(ctx), new Map()));
    const run = ms.run({ 'page.md': { contents: Buffer.from('# Title\n') } });
    await expect(run).rejects.toThrow('The markdown stage failed: the render cache broke');
  }, 10_000);
});
