import { defineConfig } from 'vitest/config';

// Packing, npm installs and node-gyp take minutes, not seconds; the fixture has its own tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
