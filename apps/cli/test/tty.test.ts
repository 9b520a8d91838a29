import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, removeDir, tempHome } from './helpers.js';
import { tmuxSkipReason, useTmuxTerminal } from './tmux-terminal.js';

// A real terminal: tmux gives the CLI a TTY, send-keys types into it and capture-pane reads the
// screen, so the spinner, the large code and the QR code are checked as a person would see them.
const skipReason = tmuxSkipReason;
const { tmux, waitForScreen, start: startTerminal } = useTmuxTerminal('codex-oauth-cli-test');

let issuer: FakeIssuer;
let home: string;

beforeAll(async () => {
  issuer = await startFakeIssuer({ registeredPorts: 'any', deviceInterval: '1' });
});
afterAll(() => issuer.stop());
beforeEach(async () => {
  home = await tempHome();
});
afterEach(async () => {
  await removeDir(home);
});

function startInTmux(args: string[]): void {
  startTerminal(
    [
      'env',
      '-i',
      `PATH=${process.env.PATH}`,
      `HOME=${home}`,
      `CODEX_HOME=${home}`,
      `CODEX_OAUTH_ISSUER=${issuer.url}`,
      'TERM=xterm-256color',
      process.execPath,
      CLI,
      ...args,
    ],
    { width: 100, height: 60 },
  );
}

describe.skipIf(skipReason)(
  `login on a TTY${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('shows the code large with its link, a QR code and a spinner, then signs in', async () => {
      startInTmux(['login', '--flow', 'device']);
      const text = await waitForScreen(
        (t) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for the code/.test(t),
        'the spinner',
      );
      const code = /code: ([A-Z0-9]+-[A-Z0-9]+)/.exec(text)?.[1];
      expect(code).toBeDefined();
      expect(text).toContain(`${issuer.url}/codex/device`);
      // The large form: fullwidth characters inside a box.
      const wide = [...(code as string)]
        .map((ch) => String.fromCodePoint(ch.codePointAt(0)! + 0xfee0))
        .join('');
      expect(text).toContain(wide);
      // The QR code: rows of half and full blocks.
      expect(
        text.split('\n').filter((line) => /^\s*[█▀▄ ]{20,}$/.test(line)).length,
      ).toBeGreaterThan(10);
      issuer.approveDevice(code as string);
      const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
      expect(done).toContain('Signed in as user@example.test');
      expect(done).toContain('exit=0');
    });

    it('Ctrl-C typed in the terminal cancels the sign-in', async () => {
      startInTmux(['login', '--flow', 'device']);
      await waitForScreen((t) => t.includes('Waiting for the code'), 'the spinner');
      tmux('send-keys', '-t', 'cli', 'C-c');
      const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
      expect(done).toContain('The sign-in ended because it was cancelled.');
      expect(done).toContain('exit=130');
    });
  },
);
