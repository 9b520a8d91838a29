import { startLoopbackServer } from '../loopback/loopback-server.js';
import type { SuccessPage } from '../loopback/success-page.js';
import { unboundLoopback } from '../loopback/unbound-loopback.js';
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, cancelledError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import { INSPECT_CUSTOM, type Inspect } from '../model/inspect-hook.js';
import type { FetchLike } from '../transport/http.js';
import { generatePkce, generateState } from './pkce.js';
import { type Provider, strategyOf } from './provider.js';
import { exchangeAuthorizationCode } from './token-exchange.js';

/** Options of {@link startBrowserLogin}. */
export interface BrowserLoginOptions {
  provider: Provider;
  fetch: FetchLike;
  /** Loopback port (default 1455; 0 picks a free one). */
  port?: number;
  /** Used when `port` is busy (default 1457). */
  fallbackPort?: number;
  /** Host written into `redirect_uri`: `127.0.0.1` (default) or `localhost`. */
  redirectHost?: '127.0.0.1' | 'localhost';
  /** Restricts the sign-in to these workspace(s) (OpenAI only). */
  allowedWorkspaceId?: string | string[];
  /** Aborting it cancels the login and frees the port. */
  signal?: AbortSignal;
  /** How long to wait for the callback (default: the loopback server's, 120 s). */
  timeoutMs?: number;
  onEvent?: OnEvent;
  /**
   * Vets the tokens inside the callback request, before the browser is told it worked: a
   * `CodexOAuthError` thrown here (say, a workspace mismatch) is shown on the tab's error page and
   * rejects `result`, as the Codex CLI does for its workspace check.
   */
  checkTokens?: (tokens: TokenSet, context: { signal: AbortSignal }) => void | Promise<void>;
  /**
   * When neither port can be bound (`CODEX_OAUTH_PORT_IN_USE`, `CODEX_OAUTH_LOGIN_IN_PROGRESS`), go on without a listener: the
   * sign-in can then only be finished by {@link BrowserLogin.redeemCode} (a pasted redirect).
   */
  loopbackOptional?: boolean;
  /** Send `GET /cancel` to another program holding the port (default `true`, as Codex does). */
  takeOverPort?: boolean;
  /** What the tab shows after the sign-in succeeded, or where it goes (see `SuccessPage`). */
  successPage?: SuccessPage;
}

/** A browser login waiting for its callback. Holds no secret (the verifier stays in a closure). */
export interface BrowserLogin {
  /** Open this in a browser. */
  readonly authorizeUrl: string;
  readonly redirectUri: string;
  readonly port: number;
  /** The `state` in the URL (not a secret: it is in the URL the user sees). */
  readonly state: string;
  /** Settles with the tokens once the callback's code has been exchanged. */
  readonly result: Promise<TokenSet>;
  /** The loopback server listens (false only with `loopbackOptional` and both ports busy). */
  readonly listening: boolean;
  /** Frees the port and ends the wait: `result` rejects with `CODEX_OAUTH_LOGIN_CANCELLED`. */
  cancel(): Promise<void>;
  /**
   * Redeems a code that reached this sign-in another way (a pasted redirect whose `state` the
   * caller has checked) with the callback's own exchange and `checkTokens`. On success `result`
   * resolves with the tokens and the loopback server closes (the first of the two ways wins). A
   * failed exchange rejects this call only: the sign-in goes on, so a bad paste never ends it. A
   * refusal by `checkTokens` ends the sign-in with that error, as it does in the callback.
   */
  redeemCode(code: string): Promise<TokenSet>;
}

/**
 * Starts a browser sign-in: PKCE + state, binds the loopback server now, builds the authorize URL
 * through the provider's strategy (OpenAI's exact URL, or a standard OIDC one) and emits `url_ready`. The code is exchanged inside
 * the callback request, so the browser only sees "success" once tokens exist.
 *
 * @example
 * ```ts
 * const login = await startBrowserLogin({ provider: openaiProfile(), fetch });
 * await open(login.authorizeUrl);
 * const tokens = await login.result;
 * ```
 */
export async function startBrowserLogin(options: BrowserLoginOptions): Promise<BrowserLogin> {
  const { provider, fetch, onEvent } = options;
  if (options.signal?.aborted) throw cancelledError(options.signal.reason);
  const pkce = await generatePkce();
  const state = generateState();
  let redirectUri = '';
  const exchange = (code: string, signal: AbortSignal) =>
    exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: pkce.verifier,
      signal,
    });
  let listening = true;
  const server = await startLoopbackServer<TokenSet>({
    ...(options.port !== undefined && { port: options.port }),
    ...(options.fallbackPort !== undefined && { fallbackPort: options.fallbackPort }),
    ...(options.redirectHost && { redirectHost: options.redirectHost }),
    ...(options.signal && { signal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(onEvent && { onEvent }),
    ...(options.takeOverPort !== undefined && { takeOverPort: options.takeOverPort }),
    ...(options.successPage !== undefined && { successPage: options.successPage }),
    expectedState: state,
    // The server emits `callback_received` and `exchanging` itself.
    handleCode: async (code, context) => {
      const tokens = await exchange(code, context.signal);
      await options.checkTokens?.(tokens, context);
      return tokens;
    },
  }).catch((error: unknown) => {
    const busy =
      isCodexOAuthError(error, ErrorCodes.PORT_IN_USE) ||
      isCodexOAuthError(error, ErrorCodes.LOGIN_IN_PROGRESS);
    if (!options.loopbackOptional || !busy) throw error;
    listening = false;
    return unboundLoopback<TokenSet>({
      port: options.port || 1455,
      ...(options.redirectHost && { redirectHost: options.redirectHost }),
      ...(options.signal && { signal: options.signal }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
  });
  redirectUri = server.redirectUri;
  const authorizeUrl = strategyOf(provider).authorizeUrl(provider, {
    redirectUri,
    codeChallenge: pkce.challenge,
    state,
    ...(options.allowedWorkspaceId !== undefined && {
      allowedWorkspaceId: options.allowedWorkspaceId,
    }),
  });
  emit(onEvent, { type: 'url_ready', url: authorizeUrl });
  emit(onEvent, { type: 'waiting', flow: 'browser_code' });
  // A redeemed (pasted) code settles `result` just as the callback does; the first one wins.
  let redeemed!: (tokens: TokenSet) => void;
  const pasted = new Promise<TokenSet>((resolve) => {
    redeemed = resolve;
  });
  const result = Promise.race([server.result, pasted]).catch((error: unknown) => {
    if (error instanceof CodexOAuthError) {
      emit(onEvent, { type: 'failed', code: error.code, message: error.message });
    }
    throw error;
  });
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  // Stops a redemption still exchanging once the sign-in ended another way.
  const ended = new AbortController();
  void settled.then(() => ended.abort(cancelledError()));
  const login: BrowserLogin = {
    authorizeUrl,
    redirectUri,
    port: server.port,
    state,
    result,
    listening,
    async cancel() {
      await server.close(cancelledError());
      await settled;
    },
    async redeemCode(code) {
      if (ended.signal.aborted) throw cancelledError(ended.signal.reason);
      const tokens = await exchange(code, ended.signal);
      try {
        await options.checkTokens?.(tokens, { signal: ended.signal });
      } catch (error) {
        await server.close(error);
        await settled;
        throw error;
      }
      // The callback may have won while this exchange ran: these tokens are then not the result.
      if (ended.signal.aborted) throw cancelledError(ended.signal.reason);
      redeemed(tokens);
      // `result` has settled with these tokens before the server goes, so nothing sees its close.
      await settled;
      await server.close();
      return tokens;
    },
  };
  // `inspect` would print the settled `result`, tokens included: show the public fields only.
  Object.defineProperty(login, INSPECT_CUSTOM, {
    value: (_depth: number, _options: object, inspect: Inspect) =>
      `BrowserLogin ${inspect({ authorizeUrl, redirectUri, port: server.port, state })}`,
  });
  return Object.freeze(login);
}
