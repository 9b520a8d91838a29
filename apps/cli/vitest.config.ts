import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test spawns the built CLI (node start-up, a sign-in against the fake issuer).
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
