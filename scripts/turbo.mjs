#!/usr/bin/env node
// `turbo` with its telemetry off, for every root script: turbo otherwise prints a notice on its
// first run on a machine and sends anonymous usage data, and nothing may leave the machine. An
// environment variable is the only switch turbo reads per repository, and setting it here works
// the same in every shell (no `VAR=1 cmd` syntax in package.json).
import { spawnSync } from 'node:child_process';

const result = spawnSync('turbo', process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  shell: process.platform === 'win32',
});
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
