import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Child processes run plain Node, which cannot load src/*.ts: bundle src once per run.
    globalSetup: ['test/bundle-for-children.ts'],
    testTimeout: 30_000,
  },
});
