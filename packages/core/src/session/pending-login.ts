import { checkSuccessPage } from '../loopback/success-page.js';
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import type { BrowserLogin } from '../protocol/browser-flow.js';
import type { DeviceLogin } from '../protocol/device-login.js';
import { warmUpTransport } from '../transport/transport.js';
import { resolveContext, type SessionContext } from './context.js';
import { finishLogin } from './finish-login.js';
import {
  allowedWorkspaces,
  assertChatgptLoginAllowed,
  chooseFlow,
  type FlowChoice,
} from './flow-choice.js';
import { firstChannelToFinish } from './login-race.js';
import {
  FALLBACK_GRACE_MS,
  type LoginOptions,
  type SessionOptions,
  throwIfAborted,
} from './options.js';
import type { LoginResult } from './results.js';
import {
  companionBrowser,
  startBrowser,
  startDevice,
  startDeviceOrFallBack,
  unboundWarning,
} from './start-channels.js';
import { raceBrowserWithDevice } from './wsl-race.js';

/** A browser sign-in whose loopback server listens. Holds no secret. */
export interface PendingBrowserLogin {
  readonly flow: 'browser_code';
  readonly authorizeUrl: string;
  readonly redirectUri: string;
  readonly port: number;
  /** The `state` in the URL (visible to the user, not a secret). */
  readonly state: string;
  /** Where the sign-in will be saved: the store's `kind`, as in `LoginResult.storageUsed`. */
  readonly storageUsed: string;
  /** @deprecated Use `storageUsed` (the name `Status` and `LoginResult` use); same value. */
  readonly storage: string;
  /** Grows when opening the browser fails or the WSL fallback starts. */
  readonly warnings: string[];
  /**
   * A person is expected to paste the address the browser lands on (`flow: 'paste'`, or device
   * login disabled where the device code was preferred): show a paste prompt beside the link.
   * {@link submitRedirect} works on every pending browser login, whatever this says.
   */
  readonly paste: boolean;
}

/** The browser link racing a device code: open it anywhere, then paste where it lands. */
export interface PasteLink {
  readonly authorizeUrl: string;
  readonly redirectUri: string;
  /**
   * The port the redirect names; the loopback listens there too (reachable through
   * `ssh -L 1455:127.0.0.1:1455`) unless both ports were busy, which a warning then says.
   */
  readonly port: number;
  readonly state: string;
}

/** A device sign-in whose code is on screen and whose polling runs. Holds no secret. */
export interface PendingDeviceLogin {
  readonly flow: 'device_code';
  readonly verificationUrl: string;
  readonly userCode: string;
  readonly intervalMs: number;
  readonly expiresAt: Date | null;
  /** Where the sign-in will be saved: the store's `kind`, as in `LoginResult.storageUsed`. */
  readonly storageUsed: string;
  /** @deprecated Use `storageUsed` (the name `Status` and `LoginResult` use); same value. */
  readonly storage: string;
  readonly warnings: string[];
  /**
   * The browser link racing the code where the environment calls for it (`flow: 'auto'` over
   * SSH, in a container, on Linux without a display); finish it with {@link submitRedirect}.
   * `null` when the device code runs alone.
   */
  readonly browser: PasteLink | null;
}

/** What {@link beginLogin} returns. */
export type PendingLogin = PendingBrowserLogin | PendingDeviceLogin;

/** What a pending login keeps out of sight: its context, options and running flows. */
export interface PendingInternal {
  ctx: SessionContext;
  options: LoginOptions;
  choice: FlowChoice;
  allowed: string[] | null;
  browser?: BrowserLogin;
  device?: DeviceLogin;
  cancelled: boolean;
  awaiting?: Promise<LoginResult>;
  /** The listener `awaitLogin` reports to, for pasted redirects to report to it too. */
  onEvent?: SessionOptions['onEvent'];
  /** Pastes are redeemed one at a time: the same address pasted twice is one sign-in. */
  pasting?: Promise<unknown>;
  /** `open` until the browser login's result settles (then a paste cannot change anything). */
  browserOutcome: 'open' | 'settled';
}

// The flows (and through them the PKCE verifier, the device id and later the tokens) live here,
// keyed by the public object, so nothing secret is reachable from the object or its inspect.
const internals = new WeakMap<object, PendingInternal>();

/**
 * Starts a sign-in without opening a browser or waiting (SPEC §3): the browser flow binds the
 * loopback port now, the device flow requests the user code now. It does not look at a stored
 * session. Non-interactive + `flow: 'auto'` throws `CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE`
 * before anything binds; `forced_login_method = "api"` throws before any network.
 *
 * A pending browser login that is never awaited nor cancelled frees its port when `timeoutMs`
 * (default 120 s) runs out; call {@link cancelLogin} to free it at once.
 *
 * @example
 * ```ts
 * const pending = await beginLogin({ flow: 'device' });
 * show(pending.verificationUrl, pending.userCode);
 * const result = await awaitLogin(pending);
 * ```
 */
export async function beginLogin(options: LoginOptions = {}): Promise<PendingLogin> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  return beginWithContext(ctx, options);
}

/** {@link beginLogin} with a context already resolved (used by `login`). */
export async function beginWithContext(
  ctx: SessionContext,
  options: LoginOptions,
): Promise<PendingLogin> {
  assertChatgptLoginAllowed(ctx.config);
  if (options.successPage !== undefined) checkSuccessPage(options.successPage);
  const allowed = allowedWorkspaces(options.allowedWorkspaceId, ctx.config);
  const choice = await chooseFlow(options.flow, () => ctx.environment());
  const internal: PendingInternal = {
    ctx,
    options,
    choice,
    allowed,
    cancelled: false,
    browserOutcome: 'open',
  };
  const warnings = [...ctx.warnings];
  const base = { storageUsed: ctx.store.kind, storage: ctx.store.kind, warnings };
  let pending: PendingLogin;
  let device: DeviceLogin | null = null;
  if (choice.flow === 'device_code') {
    device = await startDeviceOrFallBack(ctx, options, choice, warnings);
  }
  if (device === null) {
    const browser = await startBrowser(ctx, options, allowed, choice.paste);
    track(internal, browser);
    const unbound = unboundWarning(browser);
    if (unbound) warnings.push(unbound);
    const { authorizeUrl, redirectUri, port, state } = browser;
    pending = {
      flow: 'browser_code',
      authorizeUrl,
      redirectUri,
      port,
      state,
      ...base,
      paste: choice.paste,
    };
  } else {
    internal.device = device;
    // Three channels where the environment calls for them: the code, the loopback and the paste.
    const browser = choice.paste ? await companionBrowser(ctx, options, allowed, device) : null;
    if (browser) track(internal, browser);
    const unbound = browser && unboundWarning(browser);
    if (unbound) warnings.push(unbound);
    const { verificationUrl, userCode, intervalMs, expiresAt } = device;
    pending = {
      flow: 'device_code',
      verificationUrl,
      userCode,
      intervalMs,
      expiresAt,
      ...base,
      browser: browser && {
        authorizeUrl: browser.authorizeUrl,
        redirectUri: browser.redirectUri,
        port: browser.port,
        state: browser.state,
      },
    };
  }
  internals.set(pending, internal);
  return pending;
}

/**
 * Waits for the pending login to finish, checks the workspace, saves the tokens and returns the
 * result. For a browser login begun with `flow: 'auto'` where the environment has a fallback
 * (WSL), the device flow joins after `fallbackGraceMs` and the first to finish wins; a device
 * login with a `browser` link races it from the start (the code, the loopback callback and a
 * pasted redirect). Calling it twice returns the same promise. `signal` cancels the login and
 * frees the port.
 */
export function awaitLogin(
  pending: PendingLogin,
  options: Pick<SessionOptions, 'signal' | 'onEvent'> = {},
): Promise<LoginResult> {
  const internal = internalOf(pending);
  const signal = options.signal;
  const onAbort = () => void cancelLogin(pending);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  internal.awaiting ??= (async () => {
    const onEvent = options.onEvent ?? internal.options.onEvent;
    internal.onEvent = onEvent;
    // The person is in the browser now, for seconds: load the transport (undici, the CA bundle)
    // meanwhile, so that the exchange after the callback is one round trip instead of a module
    // load and then the round trip. A failure (a bad CA bundle) is the exchange's to report.
    if (pending.flow === 'browser_code') warmUpTransport(internal.ctx.fetch).catch(() => undefined);
    try {
      const { tokens, flowUsed } = await waitForTokens(internal, pending.warnings, onEvent);
      return await finishLogin({
        ctx: internal.ctx,
        tokens,
        flowUsed,
        allowed: internal.allowed,
        forceNew: internal.options.forceNew === true,
        warnings: pending.warnings,
        onEvent,
        signal: internal.options.signal,
      });
    } finally {
      // Settle only once the loopback port is free again (it serves /success first, up to 2 s).
      await internal.browser?.cancel();
    }
  })();
  if (signal) {
    void internal.awaiting.then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
  }
  return internal.awaiting;
}

async function waitForTokens(
  internal: PendingInternal,
  warnings: string[],
  onEvent: SessionOptions['onEvent'],
): Promise<{ tokens: TokenSet; flowUsed: 'browser_code' | 'device_code' }> {
  const { browser, device, choice } = internal;
  if (device && browser) {
    // The device code, the loopback and the paste, all running from the start: the first wins.
    return firstChannelToFinish([
      { flowUsed: 'device_code', result: device.result, cancel: () => device.cancel() },
      { flowUsed: 'browser_code', result: browser.result, cancel: () => browser.cancel() },
    ]).catch((error: unknown) => {
      // A cancel ends what is left: that, not an earlier refusal of one channel, is the outcome.
      if (internal.cancelled && !isCodexOAuthError(error, ErrorCodes.LOGIN_CANCELLED)) {
        throw new CodexOAuthError(ErrorCodes.LOGIN_CANCELLED, 'The sign-in was cancelled.', {
          cause: error,
        });
      }
      throw error;
    });
  }
  if (device) return { tokens: await device.result, flowUsed: 'device_code' };
  if (!browser) throw new Error('unreachable: a pending login has a flow');
  if (choice.fallback !== 'device_code')
    return { tokens: await browser.result, flowUsed: 'browser_code' };
  return raceBrowserWithDevice({
    browser,
    graceMs: internal.options.fallbackGraceMs ?? FALLBACK_GRACE_MS,
    warnings,
    onEvent,
    startDevice: () =>
      startDevice(internal.ctx, { ...internal.options, ...(onEvent && { onEvent }) }),
    onDeviceStarted: (started) => {
      internal.device = started;
      if (internal.cancelled) void started.cancel();
    },
  });
}

/**
 * Cancels a pending login: frees the loopback port, stops device polling, and makes
 * {@link awaitLogin} reject with `CODEX_OAUTH_LOGIN_CANCELLED`. Resolves once everything stopped.
 */
export async function cancelLogin(pending: PendingLogin): Promise<void> {
  const internal = internalOf(pending);
  internal.cancelled = true;
  await Promise.all([internal.browser?.cancel(), internal.device?.cancel()]);
}

function track(internal: PendingInternal, browser: BrowserLogin): void {
  internal.browser = browser;
  const settle = () => {
    internal.browserOutcome = 'settled';
  };
  browser.result.then(settle, settle);
}

/** The private side of a pending login; `CODEX_OAUTH_INVALID_OPTION` for a foreign object. */
export function internalOf(pending: PendingLogin): PendingInternal {
  const internal = internals.get(pending);
  if (!internal) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'This is not a pending login from beginLogin().',
    );
  }
  return internal;
}
