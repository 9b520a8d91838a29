import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, runCli, tempHome } from './helpers.js';

// Colour rules (src/ui/colors.ts): NO_COLOR > FORCE_COLOR > CLICOLOR_FORCE > CLICOLOR=0 > TTY.
// Every case runs the built CLI as a child; the TTY cases under util-linux `script`, which gives
// it a real pseudo-terminal.

const ESC = '\x1b[';
const noScript =
  spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0
    ? ''
    : 'util-linux script(1) is not installed';

/** `codex-oauth status` with stderr piped: whether its output carries escape codes. */
async function pipedColour(extra: Record<string, string>): Promise<boolean> {
  const r = await runCli(['status'], cliEnv(await tempHome(), extra));
  expect(r.stderr).toContain('Not signed in');
  return r.stderr.includes(ESC);
}

/** `codex-oauth status` on a pseudo-terminal: whether its output carries escape codes. */
async function terminalColour(extra: Record<string, string>): Promise<boolean> {
  const env = cliEnv(await tempHome(), { TERM: 'xterm-256color', ...extra });
  const command = `'${process.execPath}' '${CLI}' status`;
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    env,
  }).catch((error: { stdout: string }) => ({ stdout: error.stdout })); // status exits 1: signed out
  expect(stdout).toContain('Not signed in');
  return stdout.includes(ESC);
}

describe('colours', () => {
  it('piped: off by default; CLICOLOR_FORCE turns them on unless 0; NO_COLOR and FORCE_COLOR=0 win', async () => {
    expect(await pipedColour({})).toBe(false);
    expect(await pipedColour({ CLICOLOR: '1' })).toBe(false);
    expect(await pipedColour({ CLICOLOR_FORCE: '1' })).toBe(true);
    expect(await pipedColour({ CLICOLOR_FORCE: '1', CLICOLOR: '0' })).toBe(true);
    expect(await pipedColour({ CLICOLOR_FORCE: '0' })).toBe(false);
    expect(await pipedColour({ CLICOLOR_FORCE: '' })).toBe(false);
    expect(await pipedColour({ CLICOLOR_FORCE: '1', NO_COLOR: '1' })).toBe(false);
    expect(await pipedColour({ CLICOLOR_FORCE: '1', FORCE_COLOR: '0' })).toBe(false);
  });

  describe.skipIf(noScript)(`on a terminal${noScript ? ` (skipped: ${noScript})` : ''}`, () => {
    it('on by default and with CLICOLOR=1; CLICOLOR=0 turns them off; forcing overrides it', async () => {
      expect(await terminalColour({})).toBe(true);
      expect(await terminalColour({ CLICOLOR: '1' })).toBe(true);
      expect(await terminalColour({ CLICOLOR: '0' })).toBe(false);
      expect(await terminalColour({ CLICOLOR: '0', CLICOLOR_FORCE: '1' })).toBe(true);
      expect(await terminalColour({ CLICOLOR: '0', FORCE_COLOR: '1' })).toBe(true);
      expect(await terminalColour({ NO_COLOR: '1' })).toBe(false);
      expect(await terminalColour({ TERM: 'dumb' })).toBe(false);
    });
  });
});
