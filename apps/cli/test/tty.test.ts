import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, removeDir, tempHome } from './helpers.js';

// A real terminal: tmux gives the CLI a TTY, send-keys types into it and capture-pane reads the
// screen, so the spinner, the large code and the QR code are checked as a person would see them.
const tmuxMissing = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status !== 0;
const skipReason = tmuxMissing ? 'tmux is not installed (apt-get install tmux)' : '';
if (skipReason) console.warn(`skipping the TTY tests: ${skipReason}`);

// One tmux server per test: a new session right after the last test's kill-server could reach
// that server while it was still exiting (new-session then failed under load).
let socketCount = 0;
let SOCKET = `codex-oauth-cli-test-${process.pid}`;
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'cli');

/** Polls the screen until `predicate` holds (the CLI runs at its own pace; no fixed sleeps). */
async function waitForScreen(predicate: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (predicate(text)) return text;
    await sleep(100);
  }
  throw new Error(`the screen never showed ${what}:\n${text}`);
}

let issuer: FakeIssuer;
let home: string;

beforeAll(async () => {
  issuer = await startFakeIssuer({ registeredPorts: 'any', deviceInterval: '1' });
});
afterAll(() => issuer.stop());
beforeEach(async () => {
  socketCount += 1;
  SOCKET = `codex-oauth-cli-test-${process.pid}-${socketCount}`;
  home = await tempHome();
});
afterEach(async () => {
  if (!tmuxMissing) spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  await removeDir(home);
});

function startInTmux(args: string[]): void {
  const command = [
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
  ]
    .map((word) => `'${word.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  // The pane stays open after the CLI exits so its last screen and exit code can be read.
  tmux(
    'new-session',
    '-d',
    '-s',
    'cli',
    '-x',
    '100',
    '-y',
    '60',
    `${command}; echo "exit=$?"; sleep 600`,
  );
}

describe.skipIf(tmuxMissing)(
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
      expect(done).toContain('Cancelled');
      expect(done).toContain('exit=130');
    });
  },
);
