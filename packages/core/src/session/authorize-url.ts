import { DEFAULT_CALLBACK_PORT } from '../loopback/loopback-server.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { generatePkce, generateState } from '../protocol/pkce.js';
import { strategyOf } from '../protocol/provider.js';
import { resolveContext } from './context.js';
import { allowedWorkspaces, assertChatgptLoginAllowed } from './flow-choice.js';
import { type LoginOptions, throwIfAborted } from './options.js';

/**
 * The authorize URL a browser sign-in would open, **without binding any port** (the seed bound
 * 1455 here and never released it). The URL carries a fresh PKCE challenge and state whose
 * verifier is discarded, and `redirect_uri` names `port` (default 1455; 0 is refused, since no
 * port is bound to pick one) on 127.0.0.1: it is for
 * showing and checking (`codex-oauth authorize-url`, doctor), not for completing a sign-in; use
 * {@link beginLogin} for that. No network request and no detection gate: nothing starts.
 *
 * @example
 * ```ts
 * console.log(await authorizeUrl({ allowedWorkspaceId: 'ws_123' }));
 * ```
 */
export async function authorizeUrl(options: LoginOptions = {}): Promise<string> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  assertChatgptLoginAllowed(ctx.config);
  const allowed = allowedWorkspaces(options.allowedWorkspaceId, ctx.config);
  // Port 0 means "any free port" to a sign-in that binds one; nothing binds here, so no URL could
  // name the port a callback will listen on. Refused rather than silently made 1455.
  if (options.port === 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'authorizeUrl binds no port, so port 0 (any free port) cannot be named in its redirect_uri: ' +
        'pass the port your callback listens on, or use beginLogin(), which binds one.',
    );
  }
  const port = options.port ?? DEFAULT_CALLBACK_PORT;
  const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
  const { challenge } = await generatePkce();
  const state = generateState();
  return strategyOf(ctx.provider).authorizeUrl(ctx.provider, {
    redirectUri,
    codeChallenge: challenge,
    state,
    ...(allowed !== null && {
      allowedWorkspaceId: allowed.length === 1 ? (allowed[0] as string) : allowed,
    }),
  });
}
