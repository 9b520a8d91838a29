import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { cancelledError } from '../model/errors.js';
import { emit, type OAuthEvent } from '../model/events.js';
import { sameSecret } from '../model/same-secret.js';
import type { LoginState } from './login-state.js';
import { authorizationError, exchangeError, missingCodeError } from './loopback-outcomes.js';
import {
  alreadyHandledPage,
  errorPage,
  sendHtml,
  sendRedirect,
  sendText,
  successPage,
} from './loopback-pages.js';
import type { SuccessPage } from './success-page.js';

/** What the routes need from the server around them. */
export interface RouteContext<T> {
  state: LoginState<T>;
  /** The bound port, for the `Host` check. */
  port: number;
  expectedState: string;
  handleCode: (code: string, context: { signal: AbortSignal }) => Promise<T>;
  onEvent?: ((e: OAuthEvent) => void) | undefined;
  /** Ends the sign-in with `error` once `page` reached the browser, then frees the port. */
  fail(error: unknown, page?: Promise<void>): Promise<void>;
  /**
   * Frees the port and every socket; `finishing`, the socket that has just been answered, is
   * closed gracefully (FIN after its bytes) rather than destroyed, so the answer is not lost.
   */
  shutdown(finishing?: Socket | null): Promise<void>;
  /** After the success redirect: keep serving `/success` for the grace period only. */
  afterSuccess(): void;
  /** What `/success` shows, or where it sends the tab; Codex's page when absent. */
  successPage?: SuccessPage | undefined;
}

/**
 * The callback server's routes: `Host` must be `127.0.0.1:{port}` or `localhost:{port}` (DNS
 * rebinding, else 400), only GET/HEAD (else 405), then `/auth/callback`, `/success` (once the
 * sign-in succeeded), `/cancel`; anything else 404.
 */
export async function handleLoopbackRequest<T>(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RouteContext<T>,
): Promise<void> {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${ctx.port}` && host !== `localhost:${ctx.port}`) {
    return sendText(res, 400, 'Bad Host header');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Taken now: the response lets go of its socket once it has finished.
  const socket = req.socket;
  switch (url.pathname) {
    case '/auth/callback':
      return callback(url.searchParams, res, ctx);
    case '/success':
      if (ctx.state.phase !== 'succeeded') return sendText(res, 404, 'Not Found');
      // The query is never read: a redirect goes only where the host configured it.
      if (ctx.successPage && 'redirect' in ctx.successPage) {
        await sendRedirect(res, ctx.successPage.redirect);
      } else {
        await sendHtml(res, 200, successPage(ctx.successPage));
      }
      await ctx.shutdown(socket);
      return;
    case '/cancel': {
      const page = sendText(res, 200, 'Login cancelled');
      if (ctx.state.phase === 'succeeded') {
        await page;
        await ctx.shutdown(socket);
      } else {
        await ctx.fail(cancelledError(undefined, 'another sign-in asked this one to stop'), page);
      }
      return;
    }
    default:
      return sendText(res, 404, 'Not Found');
  }
}

/**
 * A wrong or missing `state` is 400 and the sign-in goes on; the first valid callback wins: an
 * `error` ends it as a refusal, a missing code as an invalid response, else the code is
 * exchanged inside this request (302 to `/success` on success, an escaped error page on failure).
 */
async function callback<T>(
  query: URLSearchParams,
  res: ServerResponse,
  ctx: RouteContext<T>,
): Promise<void> {
  if (!sameState(query.get('state'), ctx.expectedState)) {
    return sendText(res, 400, 'State mismatch');
  }
  if (!ctx.state.beginExchange()) return sendHtml(res, 200, alreadyHandledPage());
  emit(ctx.onEvent, { type: 'callback_received' });

  // A host with its own success page is not a terminal: its error pages say so too.
  const fromHost = ctx.successPage !== undefined;
  const error = query.get('error');
  if (error !== null) {
    const denied = authorizationError(error, query.get('error_description'));
    return ctx.fail(
      denied.error,
      sendHtml(res, 403, errorPage(denied.title, denied.error.message, error, fromHost)),
    );
  }
  const code = query.get('code');
  if (code === null || code === '') {
    const missing = missingCodeError();
    const page = errorPage(
      'Sign-in could not be completed',
      missing.message,
      'missing_authorization_code',
      fromHost,
    );
    return ctx.fail(missing, sendHtml(res, 400, page));
  }

  emit(ctx.onEvent, { type: 'exchanging' });
  let value: T;
  try {
    value = await ctx.handleCode(code, { signal: ctx.state.exchange.signal });
  } catch (cause) {
    if (ctx.state.phase !== 'exchanging') return; // the login already ended (cancel, abort, close)
    const failure = exchangeError(cause);
    const page = errorPage(
      'Sign-in could not be completed',
      failure.message,
      failure.code,
      fromHost,
    );
    return ctx.fail(failure, sendHtml(res, 502, page));
  }
  if (ctx.state.phase !== 'exchanging') return;
  if (await ctx.state.succeed(value, sendRedirect(res, '/success'))) ctx.afterSuccess();
}

function sameState(got: string | null, expected: string): boolean {
  return got !== null && sameSecret(got, expected);
}
