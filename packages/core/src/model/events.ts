/**
 * Typed progress events. Flows report what they are doing through an optional `onEvent`
 * listener so a CLI can draw a spinner and an app can show the sign-in link, without either
 * reaching into the flow.
 */

/** One progress event of a sign-in, refresh or storage step. */
export type OAuthEvent =
  /** The browser sign-in URL is ready to open or show. */
  | { type: 'url_ready'; url: string }
  /** The device flow's user code is ready; the user types it at `verificationUrl`. */
  | { type: 'user_code_ready'; userCode: string; verificationUrl: string; expiresAt: Date | null }
  /** Waiting for the user to finish a flow. */
  | { type: 'waiting'; flow: 'browser_code' | 'device_code' }
  /**
   * A redirect with the right `state` arrived: at the loopback server (`via` absent), or pasted
   * by the user (`via: 'paste'`, see `submitRedirect`).
   */
  | { type: 'callback_received'; via?: 'paste' }
  /** An authorization code is being exchanged for tokens. */
  | { type: 'exchanging' }
  /** The tokens were saved. */
  | { type: 'persisted'; storage: 'file' | 'memory' | 'custom' }
  /** The tokens were refreshed; `expiresAt` is the new access token's expiry. */
  | { type: 'refreshed'; expiresAt: Date | null }
  /**
   * A flow gave way to another: the browser flow did not finish in time and the device flow was
   * started as well (WSL), or device login is disabled and the pasted redirect is used instead.
   */
  | {
      type: 'fallback';
      from: 'browser_code' | 'device_code';
      to: 'device_code' | 'paste';
      reason: string;
    }
  /** The operation failed; `code` is a `CODEX_OAUTH_*` code. */
  | { type: 'failed'; code: string; message: string };

/** A listener for {@link OAuthEvent}s. */
export type OnEvent = (event: OAuthEvent) => void;

/**
 * Calls `onEvent` with `event` if a listener is set. A listener that throws must not break a
 * sign-in that is otherwise fine, so its exceptions are swallowed.
 *
 * @example
 * ```ts
 * emit(opts.onEvent, { type: 'exchanging' });
 * ```
 */
export function emit(onEvent: OnEvent | undefined, event: OAuthEvent): void {
  if (onEvent === undefined) return;
  try {
    onEvent(event);
  } catch {
    // Progress reporting is advisory; a faulty listener is the caller's bug, not a failed login.
  }
}
