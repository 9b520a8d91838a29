import { defineConfig } from 'vitest/config';

// Each check runs tsc (a few seconds under load).
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 } });
