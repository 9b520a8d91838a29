import { ErrorCodes } from '@codex-oauth/core';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandLine } from '../src/args.js';
import { REPORTED_CODES } from '../src/error-table.js';
import { helpText } from '../src/help.js';
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

  it('the --json line of --help names exactly the commands that take --json', () => {
    const line = /--json +one JSON document on stdout \(([^)]*)\)/.exec(
      helpText().replace(/\n\s+/g, ' '),
    );
    const listed = (line?.[1] ?? '').split(/,\s*/).sort();
    const taking = COMMANDS.filter((command) => {
      try {
        parseCommandLine([command, '--json', ...(command === 'switch' ? ['1'] : [])]);
        return true;
      } catch {
        return false;
      }
    });
    // keep-fresh takes it too, for its own stream of lines (said on the next line of the help).
    expect(listed).toEqual(taking.filter((command) => command !== 'keep-fresh').sort());
    expect(helpText()).toContain('keep-fresh prints one JSON line per event');
  });

  it('authorize-url is gone, with a pointer to what replaces it', async () => {
    const r = await runCli(['authorize-url'], cliEnv(await tempHome()));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"authorize-url" was removed');
    expect(r.stderr).toContain('codex-oauth login --flow paste');
    expect(r.stdout).toBe('');
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
