import { defineConfig } from 'vitest/config';

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
    // vitest's own file order: a fixed slowest-first list ran the browser suites side by side and
    // doubled the suite (docs/decisions.md#test-speed, third pass).
  },
});
