import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach } from 'vitest';

/** Why the terminal tests cannot run here, or '' when tmux is installed. */
export const tmuxSkipReason =
  spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status !== 0
    ? 'tmux is not installed (apt-get install tmux)'
    : '';

/** A real terminal for one test at a time: tmux gives the CLI a TTY and shows its screen. */
export interface TmuxTerminal {
  /** Runs a tmux command against this test's server. */
  tmux(...args: string[]): string;
  /** The pane as a person sees it (wrapped lines joined when `joinWrapped`). */
  screen(): string;
  /** Polls the screen until `predicate` holds (the CLI runs at its own pace; no fixed sleeps). */
  waitForScreen(predicate: (text: string) => boolean, what: string): Promise<string>;
  /** Starts `words` (quoted for the shell) in a `width`×`height` pane that stays open after exit. */
  start(words: readonly string[], size: { width: number; height: number }): void;
}

/**
 * One tmux server per test, named after `name`: a new session right after the last test's
 * kill-server could reach that server while it was still exiting (new-session then failed under
 * load). Registers the `beforeEach`/`afterEach` that make and end it.
 */
export function useTmuxTerminal(name: string, { joinWrapped = false } = {}): TmuxTerminal {
  let count = 0;
  let socket = `${name}-${process.pid}`;
  beforeEach(() => {
    count += 1;
    socket = `${name}-${process.pid}-${count}`;
  });
  afterEach(() => {
    if (!tmuxSkipReason) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  });
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', ...(joinWrapped ? ['-J'] : []), '-t', 'cli');
  return {
    tmux,
    screen,
    async waitForScreen(predicate, what) {
      const deadline = Date.now() + 20_000;
      let text = '';
      while (Date.now() < deadline) {
        text = screen();
        if (predicate(text)) return text;
        await sleep(100);
      }
      throw new Error(`the screen never showed ${what}:\n${text}`);
    },
    start(words, { width, height }) {
      const command = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
      // The pane stays open after the CLI exits so its last screen and exit code can be read.
      tmux(
        'new-session',
        '-d',
        '-s',
        'cli',
        '-x',
        String(width),
        '-y',
        String(height),
        `${command}; echo "exit=$?"; sleep 600`,
      );
    },
  };
}
