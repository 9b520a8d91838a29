import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, removeDir, runCli, tempHome } from './helpers.js';

// bin/codex-oauth.js is CommonJS and require()s the CLI's ES modules where Node can
// (`process.features.require_module`), else falls back to import() (Node 22.0–22.11). Both paths
// must behave the same; `--no-experimental-require-module` forces the fallback on any Node.

let dir: string;
beforeEach(async () => {
  dir = await tempHome();
});
afterEach(() => removeDir(dir));

const viaImport = { NODE_OPTIONS: '--no-experimental-require-module' };

describe('the launcher', () => {
  it('require() and the import() fallback give the same results', async () => {
    for (const args of [
      ['--version'],
      ['status', '--json'],
      // A UsageError thrown in commands/status.js, reported by main.js (another file).
      ['status', '--storage', 'redis'],
      ['status', '--bogus'],
    ]) {
      const required = await runCli(args, cliEnv(dir));
      const imported = await runCli(args, cliEnv(dir, viaImport));
      expect(imported, args.join(' ')).toEqual(required);
    }
    const usage = await runCli(['status', '--storage', 'redis'], cliEnv(dir));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('CODEX_OAUTH_INVALID_OPTION');
  });

  it('status loads neither node-gyp-build nor the flock addon (it takes no lock)', async () => {
    // NODE_DEBUG=module traces every CommonJS load, which is how both would be loaded.
    const r = await runCli(['status'], cliEnv(dir, { NODE_DEBUG: 'module' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cli.cjs');
    expect(r.stderr).not.toContain('node-gyp-build');
    expect(r.stderr).not.toMatch(/\.node\b/);
  });

  it('a correct command line does not load leven; a mistyped one does, for its "did you mean"', async () => {
    // NODE_DEBUG=esm traces every ES module Node translates (leven is one).
    const correct = await runCli(['status'], cliEnv(dir, { NODE_DEBUG: 'esm' }));
    expect(correct.stderr).toContain('commands/status.js');
    expect(correct.stderr).not.toContain('/leven/');
    const mistyped = await runCli(['stauts'], cliEnv(dir, { NODE_DEBUG: 'esm' }));
    expect(mistyped.stderr).toContain('Did you mean "codex-oauth status"?');
    expect(mistyped.stderr).toContain('/leven/');
  });
});
