import type { ServerResponse } from 'node:http';
import { escapeHtml, page, sendHtml } from './http-util.js';
import { recordIssuedSecret } from './secrets-log.js';
import type { IssuerState } from './state.js';

/**
 * Is this a loopback callback URI the issuer accepts? `http://127.0.0.1:{port}/auth/callback` or
 * `http://localhost:{port}/auth/callback`, with the port registered (OpenAI registers 1455 and 1457
 * only; a random port is refused, which is why Codex never uses one).
 */
function isRegisteredRedirect(uri: string, ports: number[] | 'any'): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return false;
  if (url.pathname !== '/auth/callback' || url.search !== '' || url.hash !== '') return false;
  if (url.username !== '' || url.password !== '' || url.port === '') return false;
  return ports === 'any' || ports.includes(Number(url.port));
}

/** The first problem with an authorize request, or null when it is valid. */
function validate(state: IssuerState, q: Record<string, string>): string | null {
  const { settings } = state;
  if (q.response_type !== 'code') return 'response_type must be "code"';
  if (q.client_id !== settings.clientId) return 'unknown client_id';
  if (!q.redirect_uri) return 'redirect_uri is missing';
  if (!isRegisteredRedirect(q.redirect_uri, settings.registeredPorts)) {
    return 'redirect_uri is not registered for this client';
  }
  if (!q.code_challenge) return 'code_challenge is missing (PKCE is required)';
  if (!/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) return 'code_challenge is not an S256 value';
  if (q.code_challenge_method !== 'S256') return 'code_challenge_method must be S256';
  if (!q.state) return 'state is missing';
  const scopes = (q.scope ?? '').split(' ');
  if (!scopes.includes('openid')) return 'scope must include openid';
  if (!scopes.includes('offline_access')) return 'scope must include offline_access';
  return null;
}

/**
 * `GET /oauth/authorize`: a valid request is "signed in" at once and redirected (302) to its
 * `redirect_uri` with `code` and `state`, or with `error=access_denied` per the chosen outcome.
 * An invalid one gets a 400 page and no redirect (never redirect to an unchecked URI).
 */
export function handleAuthorize(
  state: IssuerState,
  query: Record<string, string>,
  res: ServerResponse,
): void {
  const problem = validate(state, query);
  if (problem) {
    sendHtml(
      res,
      400,
      page(
        'Invalid authorization request',
        `<p id="error">invalid_request: ${escapeHtml(problem)}</p>`,
      ),
    );
    return;
  }
  const redirect = new URL(query.redirect_uri!);
  const outcome = state.authorizeOutcome;
  if (outcome === 'approve') {
    const code = state.issueCode({
      clientId: query.client_id!,
      redirectUri: query.redirect_uri!,
      challenge: query.code_challenge!,
      via: 'browser',
    });
    recordIssuedSecret('authorization_code', code);
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('scope', query.scope!);
  } else {
    redirect.searchParams.set('error', 'access_denied');
    redirect.searchParams.set(
      'error_description',
      outcome === 'missing_codex_entitlement'
        ? 'missing_codex_entitlement'
        : 'The user denied the request',
    );
  }
  redirect.searchParams.set('state', query.state!);
  res.writeHead(302, { location: redirect.toString(), 'content-length': 0 });
  res.end();
}
