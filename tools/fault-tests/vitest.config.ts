import { defineConfig } from 'vitest/config';

// One file at a time: the kill -9 test is CPU-bound on 2 cores and counts its rounds in a fixed
// wall-clock budget, so it should not share the machine with the other files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
