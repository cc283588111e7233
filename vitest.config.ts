import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The slowest files, slowest first (measured, docs/decisions.md#test-speed). Each worker takes the
 * next file when it is free, so a long file started last keeps one worker busy alone at the end; on
 * a fresh checkout vitest has no timings yet and orders by file size, which put these mid-run.
 */
const SLOWEST_FIRST = [
  'test/render-cache.test.ts',
  'test/e2e/phone.test.ts',
  'test/search/queries-bench.test.ts',
  'test/e2e/reader.test.ts',
  'test/e2e/no-script.test.ts',
  'test/e2e/csp.test.ts',
  'test/bounded-hardening.test.ts',
  'test/e2e/offline.test.ts',
  'test/search/queries.test.ts',
] as const;

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = (SLOWEST_FIRST as readonly string[]).indexOf(path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds are CPU-bound and the machine has 2 cores.
    maxWorkers: 2,
    // Test files of a worker share loaded modules instead of compiling the build again per file:
    // nothing is module-global (test/module-state.test.ts) and tests restore what they change
    // (docs/decisions.md#test-files-share-modules-vitest-isolate-false-2026-12-02).
    isolate: false,
    // One build of the site for the browser suites that serve it unchanged (test/helpers/shared-site.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    sequence: { sequencer: SlowestFirst },
  },
});
