import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds are CPU-bound and the machine has 2 cores.
    maxWorkers: 2,
  },
});
