import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/args.js';
import { closestMatch } from '../src/suggest.js';
import { UsageError, withSuggestion } from '../src/usage-error.js';
import { cliEnv, runCli, tempHome } from './helpers.js';

/** The message `argv` is reported with, "did you mean" included. */
async function reported(argv: string[]): Promise<string> {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return ((await withSuggestion(error)) as Error).message;
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

describe('did you mean', () => {
  it('suggests the closest command, and nothing for what is not close or is ambiguous', async () => {
    expect(await reported(['logn'])).toBe(
      'Unknown command "logn". Did you mean "codex-oauth login"?',
    );
    expect(await reported(['stauts'])).toContain('Did you mean "codex-oauth status"?');
    expect(await reported(['refersh'])).toContain('"codex-oauth refresh"');
    expect(await reported(['keep'])).toContain('"codex-oauth keep-fresh"');
    expect(await reported(['frobnicate'])).toBe('Unknown command "frobnicate".');
    // login or logout: neither is suggested.
    expect(await reported(['log'])).toBe('Unknown command "log".');
  });

  it('help with a mistyped topic is the same usage error, not the overview', async () => {
    expect(await reported(['help', 'logn'])).toBe(
      'Unknown command "logn". Did you mean "codex-oauth help login"?',
    );
    expect(await reported(['help', 'authorize-url'])).toContain('"authorize-url" was removed');
    expect(parseCommandLine(['help', 'status'])).toEqual({ kind: 'help', command: 'status' });
    expect(parseCommandLine(['help'])).toEqual({ kind: 'help' });
  });

  it('suggests among the flags of the command named, else among all flags', async () => {
    expect(await reported(['status', '--jsn'])).toBe(
      "Unknown option '--jsn'. Did you mean --json?",
    );
    expect(await reported(['--jsn'])).toContain('Did you mean --json?');
    expect(await reported(['login', '--flwo', 'device'])).toContain('Did you mean --flow?');
    expect(await reported(['doctor', '--prot', '1'])).toContain('Did you mean --port?');
    // --force is close, but status does not take it: no suggestion of a flag that fails next.
    expect(await reported(['status', '--forse'])).toBe("Unknown option '--forse'.");
    expect(await reported(['refresh', '--forse'])).toContain('Did you mean --force?');
  });

  it('a known flag the command does not take names the commands that do', async () => {
    expect(await reported(['status', '--force'])).toBe(
      '"status" does not take --force (login and refresh do).',
    );
    expect(await reported(['accounts', '--no-revoke'])).toBe(
      '"accounts" does not take --no-revoke (logout does).',
    );
  });

  it('suggests a value of a flag with fixed choices', async () => {
    expect(await reported(['login', '--flow', 'brwser'])).toContain('Did you mean --flow browser?');
    expect(await reported(['status', '--storage', 'keyrign'])).toContain(
      'Did you mean --storage keyring?',
    );
  });

  it('closestMatch: distance bounded by word length, ties to the first candidate', async () => {
    expect(await closestMatch('jsno', ['json', 'once'])).toBe('json');
    expect(await closestMatch('x', ['json'])).toBeUndefined();
    expect(await closestMatch('LOGIN', ['login'])).toBe('login');
    expect(await closestMatch('', ['login'])).toBeUndefined();
  });

  it('the CLI prints the suggestion and exits 2 with CODEX_OAUTH_INVALID_OPTION', async () => {
    const env = cliEnv(await tempHome());
    const r = await runCli(['logn'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean "codex-oauth login"?');
    const json = await runCli(['status', '--jsn', '--json'], env);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toEqual({
      code: 'CODEX_OAUTH_INVALID_OPTION',
      message: "Unknown option '--jsn'. Did you mean --json?",
      title: 'Invalid option',
    });
  });
});
