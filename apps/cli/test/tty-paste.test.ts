import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, removeDir, tempHome } from './helpers.js';
import { tmuxSkipReason, useTmuxTerminal } from './tmux-terminal.js';

// The paste prompt in a real terminal: tmux gives the CLI a TTY, `paste-buffer -p` pastes the way
// a terminal does (bracketed, when the program asked for it) and capture-pane reads the screen.
const skipReason = tmuxSkipReason;
const {
  tmux,
  waitForScreen,
  start: startTerminal,
} = useTmuxTerminal('codex-oauth-paste-test', { joinWrapped: true });

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

function startInTmux(args: string[], extraEnv: string[] = [], url = issuer.url): void {
  startTerminal(
    [
      'env',
      '-i',
      `PATH=${process.env.PATH}`,
      `HOME=${home}`,
      `CODEX_HOME=${home}`,
      `CODEX_OAUTH_ISSUER=${url}`,
      'TERM=xterm-256color',
      ...extraEnv,
      process.execPath,
      CLI,
      ...args,
    ],
    { width: 120, height: 80 },
  );
}

/** Pastes `text` into the pane as a terminal does, then presses Enter. */
function paste(text: string): void {
  tmux('set-buffer', '-b', 'paste', text);
  tmux('paste-buffer', '-p', '-d', '-b', 'paste', '-t', 'cli');
  tmux('send-keys', '-t', 'cli', 'Enter');
}

function linkOn(text: string): string {
  const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`no link on the screen:\n${text}`);
  return url;
}

describe.skipIf(skipReason)(
  `paste on a TTY${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('--flow paste: a pasted address that spans two lines signs in', async () => {
      startInTmux(['login', '--flow', 'paste', '--port', '0']);
      const shown = await waitForScreen((t) => t.includes('press Enter:'), 'the paste prompt');
      const landed = await issuer.authorize(linkOn(shown));
      // Broken in the middle, as when it was copied from a narrow terminal.
      paste(`${landed.slice(0, 60)}\n${landed.slice(60)}`);
      const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
      expect(done).toContain('Signed in as user@example.test');
      expect(done).toContain('exit=0');
    });

    it('over SSH, auto shows the device code and the link; the paste wins', async () => {
      startInTmux(['login', '--port', '0'], ['SSH_CONNECTION=10.0.0.1 5000 10.0.0.2 22']);
      const shown = await waitForScreen((t) => t.includes('press Enter:'), 'the paste prompt');
      expect(shown).toMatch(/code: [A-Z0-9]+-[A-Z0-9]+/);
      expect(shown).toContain('Or open this link in a browser on any machine');
      paste(await issuer.authorize(linkOn(shown)));
      const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
      expect(done).toContain('Signed in as user@example.test');
      expect(done).toContain('exit=0');
      expect(issuer.issued.grants.at(-1)?.via).toBe('browser');
    });

    it('over SSH with device login disabled, auto falls back to the paste', async () => {
      const noDevice = await startFakeIssuer({ registeredPorts: 'any', deviceLogin: false });
      try {
        startInTmux(
          ['login', '--port', '0'],
          ['SSH_CONNECTION=10.0.0.1 5000 10.0.0.2 22'],
          noDevice.url,
        );
        const shown = await waitForScreen((t) => t.includes('press Enter:'), 'the paste prompt');
        expect(shown).toContain('device-code sign-in is disabled');
        paste(await noDevice.authorize(linkOn(shown)));
        const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
        expect(done).toContain('Signed in as user@example.test');
      } finally {
        await noDevice.stop();
      }
    });

    it('doctor over SSH explains the device code with the pasted link beside it', async () => {
      startInTmux(['doctor'], ['SSH_CONNECTION=10.0.0.1 5000 10.0.0.2 22']);
      const done = await waitForScreen((t) => t.includes('exit='), 'the doctor report');
      expect(done).toContain('signs in with the device code, the browser link (pasted back');
      expect(done).toContain('the link alone if device login is disabled');
      expect(done).toContain('SSH_CONNECTION is set');
    });

    it('Ctrl-C at the paste prompt cancels the sign-in', async () => {
      startInTmux(['login', '--flow', 'paste', '--port', '0']);
      await waitForScreen((t) => t.includes('press Enter:'), 'the paste prompt');
      tmux('send-keys', '-t', 'cli', 'C-c');
      const done = await waitForScreen((t) => t.includes('exit='), 'the end of the login');
      expect(done).toContain('The sign-in ended because it was cancelled.');
      expect(done).toContain('exit=130');
    });
  },
);
