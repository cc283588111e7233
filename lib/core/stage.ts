/**
 * Wraps a plugin as a named pipeline stage: times it (for `npm run bench` and the summary line)
 * and, when it throws, says which stage failed, keeping the original error as `cause`
 * (Metalsmith rejects with the bare error, without the plugin's name: FACTS.md).
 */
import type Metalsmith from 'metalsmith';
import { Problem } from './diagnostics.ts';
import { RunbookSmithError } from './errors.ts';

export class StageError extends RunbookSmithError {
  constructor(readonly stage: string, cause: unknown) {
    super(`The ${stage} stage failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StageError';
  }
}

export type Timings = Map<string, number>;

export function stage(name: string, plugin: Metalsmith.Plugin, timings: Timings, onStart?: () => void): Metalsmith.Plugin {
  const named = function (files: Metalsmith.Files, metalsmith: Metalsmith, done: (err: Error | null, files?: Metalsmith.Files, ms?: Metalsmith) => void) {
    onStart?.();
    const started = performance.now();
    const finish = (err?: unknown) => {
      timings.set(name, (timings.get(name) ?? 0) + performance.now() - started);
      if (process.env.RS_TRACE_MEMORY) {
        const m = process.memoryUsage();
        const mb = (n: number) => Math.round(n / 1048576);
        console.error(`[memory] after ${name}: rss ${mb(m.rss)} MB, heap used ${mb(m.heapUsed)} / total ${mb(m.heapTotal)} MB, buffers ${mb(m.arrayBuffers)} MB`);
      }
      if (err) done((err instanceof Problem || err instanceof StageError ? err : new StageError(name, err)) as Error);
      else done(null, files, metalsmith);
    };
    try {
      if (plugin.length >= 3) {
        (plugin as (f: Metalsmith.Files, m: Metalsmith, d: (e?: Error | null) => void) => void)(files, metalsmith, (e) => finish(e ?? undefined));
      } else {
        Promise.resolve((plugin as (f: Metalsmith.Files, m: Metalsmith) => unknown)(files, metalsmith)).then(() => finish(), finish);
      }
    } catch (err) {
      finish(err);
    }
  };
  Object.defineProperty(named, 'name', { value: name });
  return named as Metalsmith.Plugin;
}
