import { defineConfig } from 'vitest/config';

// Each scan runs the script, which runs a fake-issuer sign-in in a child process: seconds, not
// milliseconds, on a busy machine (the default 5 s timed out while other suites ran alongside).
export default defineConfig({ test: { testTimeout: 30_000 } });
