import { inspect } from 'node:util';
import { startLoopbackServer } from '../loopback/loopback-server.js';
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, cancelledError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
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
  /** Frees the port and ends the wait: `result` rejects with `CODEX_OAUTH_LOGIN_CANCELLED`. */
  cancel(): Promise<void>;
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
  const server = await startLoopbackServer<TokenSet>({
    ...(options.port !== undefined && { port: options.port }),
    ...(options.fallbackPort !== undefined && { fallbackPort: options.fallbackPort }),
    ...(options.redirectHost && { redirectHost: options.redirectHost }),
    ...(options.signal && { signal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(onEvent && { onEvent }),
    expectedState: state,
    // The server emits `callback_received` and `exchanging` itself.
    handleCode: async (code, context) => {
      const tokens = await exchangeAuthorizationCode({
        fetch,
        provider,
        code,
        redirectUri,
        codeVerifier: pkce.verifier,
        signal: context.signal,
      });
      await options.checkTokens?.(tokens, context);
      return tokens;
    },
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
  const result = server.result.catch((error: unknown) => {
    if (error instanceof CodexOAuthError) {
      emit(onEvent, { type: 'failed', code: error.code, message: error.message });
    }
    throw error;
  });
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  const login: BrowserLogin = {
    authorizeUrl,
    redirectUri,
    port: server.port,
    state,
    result,
    async cancel() {
      await server.close(cancelledError());
      await settled;
    },
  };
  // `inspect` would print the settled `result`, tokens included: show the public fields only.
  Object.defineProperty(login, inspect.custom, {
    value: () => `BrowserLogin ${inspect({ authorizeUrl, redirectUri, port: server.port, state })}`,
  });
  return Object.freeze(login);
}
