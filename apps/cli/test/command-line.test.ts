import { ErrorCodes } from '@codex-oauth/core';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/args.js';
import { REPORTED_CODES } from '../src/error-table.js';
import { cliEnv, runCli, tempHome } from './helpers.js';

describe('command line', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], cliEnv(await tempHome()));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help lists every command, and each command has its own --help', async () => {
    const env = cliEnv(await tempHome());
    const main = await runCli(['--help'], env);
    expect(main.code).toBe(0);
    for (const command of COMMANDS) {
      expect(main.stdout).toContain(`  ${command} `);
      const own = await runCli([command, '--help'], env);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: codex-oauth ${command}`);
    }
  });

  it('usage errors exit 2 with CODEX_OAUTH_INVALID_OPTION and point at --help', async () => {
    const env = cliEnv(await tempHome());
    for (const args of [
      ['frobnicate'],
      ['status', '--flow', 'device'],
      ['login', '--flow', 'carrier-pigeon'],
      ['login', '--port', '70000'],
      ['status', '--bogus'],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('--help');
    }
    const json = await runCli(['status', '--json', '--flow', 'device'], env);
    expect(JSON.parse(json.stdout).error.code).toBe('CODEX_OAUTH_INVALID_OPTION');
  });

  it('NO_COLOR and non-TTY output carry no escape codes; FORCE_COLOR adds them', async () => {
    const home = await tempHome();
    const plain = await runCli(['status'], cliEnv(home, { NO_COLOR: '1', FORCE_COLOR: '1' }));
    expect(plain.stderr.includes('\x1b[')).toBe(false);
    const piped = await runCli(['status'], cliEnv(home));
    expect(piped.stderr.includes('\x1b[')).toBe(false);
    const forced = await runCli(['status'], cliEnv(home, { FORCE_COLOR: '1' }));
    expect(forced.stderr.includes('\x1b[')).toBe(true);
  });

  it('the error table covers every code core defines', () => {
    for (const code of Object.values(ErrorCodes)) expect(REPORTED_CODES).toContain(code);
  });
});
