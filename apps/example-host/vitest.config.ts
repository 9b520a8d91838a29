import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A real browser drives the page; starting Chromium takes a moment on two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
