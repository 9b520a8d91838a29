import { type PendingLogin, submitRedirect } from '@codex-oauth/core';
import type { Context } from './context.js';
import { readPastes } from './ui/paste-prompt.js';
import { isTerminal } from './ui/terminal.js';

/** The paste prompt of one `login`, once it runs. */
export interface PasteSession {
  /** Stops reading (the sign-in ended); safe to call more than once. */
  stop(): void;
}

/** How the login's progress display hears about pastes. */
export interface PasteDisplay {
  /** A paste was not used: show the message (it never quotes the paste) and prompt again. */
  rejected(message: string): void;
  /** The paste was cut off (a wrapped line): ask for the rest, which will be joined to it. */
  incomplete(): void;
  /** The input ended with nothing usable: only the other channels can finish now. */
  inputClosed(): void;
}

/**
 * Opens the paste prompt when the pending login expects one (`--flow paste`, the paste fallback,
 * or the browser link beside a device code): reads stdin, terminal or pipe, and hands each paste
 * to `submitRedirect`. With `--json`, stdout first gets one line, `{"paste":{"authorizeUrl",
 * "redirectUri"}}`, so a script knows what to open before it writes the line back.
 *
 * Off a terminal, input that ends after a rejected paste ends the sign-in with that rejection
 * (`giveUp`): a script that piped a bad address should not wait for the timeout. On a terminal,
 * Ctrl-D only closes the prompt; the loopback and the device code keep waiting.
 */
export function startPasteSession(
  ctx: Context,
  pending: PendingLogin,
  display: PasteDisplay,
  giveUp: (error: unknown) => void,
): PasteSession | undefined {
  const link = pending.flow === 'browser_code' ? (pending.paste ? pending : null) : pending.browser;
  if (link === null) return undefined;
  if (ctx.flags.json) {
    ctx.out.stdout(
      JSON.stringify({ paste: { authorizeUrl: link.authorizeUrl, redirectUri: link.redirectUri } }),
    );
  }
  // Bracketed-paste mode is not requested: a terminal in line mode echoes its markers as ^[[200~.
  // A paste that wrapped is joined by the reader anyway (its first line is cut off).
  const onTerminal = isTerminal(0);
  let stopped = false;
  let finished = false;
  const reader = readPastes({
    input: process.stdin,
    submit: async (text) => {
      await submitRedirect(pending, text);
      finished = true;
    },
    onRejected: (error) => display.rejected((error as Error).message),
    isIncomplete: (error) => (error as { reason?: unknown } | null)?.reason === 'incomplete',
    onIncomplete: () => display.incomplete(),
  });
  void reader.ended.then((last) => {
    if (stopped || finished) return;
    if (last !== null && !onTerminal) giveUp(last);
    else display.inputClosed();
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      reader.stop();
    },
  };
}
