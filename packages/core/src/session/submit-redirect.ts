import { authorizationError } from '../loopback/loopback-outcomes.js';
import { CodexOAuthError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { emit } from '../model/events.js';
import type { BrowserLogin } from '../protocol/browser-flow.js';
import { RedirectRejectedError, readPastedRedirect } from './paste-redirect.js';
import {
  awaitLogin,
  internalOf,
  type PendingInternal,
  type PendingLogin,
} from './pending-login.js';
import type { LoginResult } from './results.js';

/**
 * Finishes a pending browser sign-in with the address the browser landed on, pasted by the
 * person: for a browser on another machine, where the redirect to `127.0.0.1:1455` cannot load.
 * Accepts the full address (`http://127.0.0.1:1455/auth/callback?code=…&state=…`, quotes, spaces
 * and line breaks from a wrapped terminal line are ignored) or its query string; a lone code is
 * refused, so that `state` is always checked.
 *
 * The `state` must be this sign-in's; the code is exchanged with this sign-in's PKCE verifier and
 * then finishes exactly like a loopback callback (`callback_received` with `via: 'paste'`,
 * `exchanging`, the same workspace checks, the same record saved, `persisted`), the loopback
 * server closes and the promise resolves with the {@link LoginResult} of {@link awaitLogin}.
 *
 * A paste that cannot finish it throws a {@link RedirectRejectedError}
 * (`CODEX_OAUTH_REDIRECT_REJECTED`, with a `reason` and a message saying what to copy) and **the
 * sign-in goes on**: another paste, the loopback callback or the device code may still finish it.
 * That covers garbage, a cut-off address, another sign-in's `state`, an `error=` redirect (the
 * person may open the link again with another account) and a code the issuer will not exchange.
 * Nothing pasted is ever put in a message, an event or a log. A sign-in that already finished
 * returns (or throws) its outcome without looking at the paste.
 *
 * @example
 * ```ts
 * const pending = await beginLogin({ flow: 'paste' });
 * show(pending.authorizeUrl);
 * const result = await submitRedirect(pending, await askForTheAddress());
 * ```
 */
export async function submitRedirect(pending: PendingLogin, pasted: string): Promise<LoginResult> {
  const internal = internalOf(pending);
  const browser = internal.browser;
  if (!browser) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'This sign-in has no browser link to paste from: begin one with flow: "paste" or "browser".',
    );
  }
  if (typeof pasted !== 'string') {
    throw new CodexOAuthError(ErrorCodes.INVALID_OPTION, 'submitRedirect needs the pasted text.');
  }
  // One paste at a time: the same address pasted twice must not spend its code twice.
  const run = (internal.pasting ?? Promise.resolve()).then(() =>
    redeem(pending, internal, browser, pasted),
  );
  internal.pasting = run.catch(() => undefined);
  return await run;
}

async function redeem(
  pending: PendingLogin,
  internal: PendingInternal,
  browser: BrowserLogin,
  pasted: string,
): Promise<LoginResult> {
  if (internal.browserOutcome !== 'open') return awaitLogin(pending);
  const redirect = readPastedRedirect(pasted, browser.state, browser.redirectUri);
  if (redirect.kind === 'error') {
    const { error } = authorizationError(redirect.error, redirect.description);
    throw new RedirectRejectedError(
      'access_denied',
      `${error.message.replace(/ Try signing in again\.$/, '')} This sign-in is still open: ` +
        'open its link again (with another account if need be) and paste the new address.',
      { cause: error, error: redirect.error, ...descriptionOf(error) },
    );
  }
  const onEvent = internal.onEvent ?? internal.options.onEvent;
  emit(onEvent, { type: 'callback_received', via: 'paste' });
  emit(onEvent, { type: 'exchanging' });
  try {
    await browser.redeemCode(redirect.code);
  } catch (cause) {
    // A refusal of the account (workspace) ends the sign-in, as in the callback: say so here.
    if (isCodexOAuthError(cause, ErrorCodes.WORKSPACE_MISMATCH)) throw cause;
    // Over another way meanwhile (the callback or the device code won, a cancel): its outcome.
    if (internal.browserOutcome !== 'open' || isCodexOAuthError(cause, ErrorCodes.LOGIN_CANCELLED))
      return awaitLogin(pending);
    emit(onEvent, { type: 'waiting', flow: 'browser_code' });
    throw new RedirectRejectedError(
      'exchange_failed',
      'The issuer would not accept the code in that address (it may be used already, expired, ' +
        'or cut off). Open the sign-in link again, sign in, and paste the new address.',
      { cause },
    );
  }
  return awaitLogin(pending);
}

function descriptionOf(error: CodexOAuthError): { error_description?: string } {
  return error.error_description === undefined
    ? {}
    : { error_description: error.error_description };
}
