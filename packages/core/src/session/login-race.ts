import type { TokenSet } from '../model/auth-record.js';
import { ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import type { FlowUsed } from './options.js';

/** One way a sign-in can finish: its tokens once it does, and how to stop it. */
export interface LoginChannel {
  /** What the result reports when this channel wins. */
  readonly flowUsed: FlowUsed;
  readonly result: Promise<TokenSet>;
  cancel(): Promise<void>;
}

/** The winning channel's tokens. */
export interface ChannelWin {
  tokens: TokenSet;
  flowUsed: FlowUsed;
}

/**
 * Runs channels that are all already started (the device code, and the browser login whose
 * loopback and pasted redirect share one result): the first to produce tokens wins, and every
 * other one is cancelled (its port freed, its polling stopped) before this resolves. A channel
 * that fails while another still runs is ignored, so a refusal in one does not take the other
 * away from the user; when all have failed, the first real failure in `channels` order is thrown
 * (a cancellation only when nothing else happened).
 *
 * The WSL fallback, where the device code joins a browser login later, is `raceBrowserWithDevice`.
 *
 * @example
 * ```ts
 * const { tokens, flowUsed } = await firstChannelToFinish([
 *   { flowUsed: 'device_code', result: device.result, cancel: device.cancel },
 *   { flowUsed: 'browser_code', result: browser.result, cancel: browser.cancel },
 * ]);
 * ```
 */
export function firstChannelToFinish(channels: readonly LoginChannel[]): Promise<ChannelWin> {
  return new Promise<ChannelWin>((resolve, reject) => {
    let finished = false;
    const failures = new Map<LoginChannel, unknown>();
    for (const channel of channels) {
      channel.result.then(
        async (tokens) => {
          if (finished) return;
          finished = true;
          const others = channels.filter((other) => other !== channel);
          await Promise.all(others.map((other) => other.cancel().catch(() => undefined)));
          resolve({ tokens, flowUsed: channel.flowUsed });
        },
        (error: unknown) => {
          failures.set(channel, error);
          if (finished || failures.size < channels.length) return;
          finished = true;
          const errors = channels.map((c) => failures.get(c));
          reject(
            errors.find((e) => !isCodexOAuthError(e, ErrorCodes.LOGIN_CANCELLED)) ?? errors[0],
          );
        },
      );
    }
  });
}
