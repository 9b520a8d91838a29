import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real redis-servers, child processes and a loaded CI machine: more than vitest's 5 s.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
