import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { emit, type OAuthEvent } from '../model/events.js';
import { loopbackRedirectUri } from '../protocol/openai/authorize-url.js';
import { bindLoopback } from './bind-port.js';
import {
  authorizationError,
  cancelledError,
  exchangeError,
  missingCodeError,
  timeoutError,
} from './loopback-outcomes.js';
import {
  alreadyHandledPage,
  errorPage,
  sendHtml,
  sendRedirect,
  sendText,
  successPage,
} from './loopback-pages.js';

/** The callback port Codex uses (registered with the OpenAI issuer). */
export const DEFAULT_CALLBACK_PORT = 1455;
/** The second registered port, used when 1455 stays busy. */
export const FALLBACK_CALLBACK_PORT = 1457;
export { MISSING_ENTITLEMENT_MESSAGE } from './loopback-outcomes.js';

/** Options for {@link startLoopbackServer}. */
export interface LoopbackServerOptions<T> {
  /** Port to listen on (127.0.0.1 only); default 1455. 0 = ephemeral. */
  port?: number;
  /** Port to use when `port` stays busy; default 1457 when `port` is 1455, else `null` (none). */
  fallbackPort?: number | null;
  /** Host written into `redirectUri`; default `127.0.0.1` (Codex 0.169). */
  redirectHost?: '127.0.0.1' | 'localhost';
  /** The `state` a callback must carry. */
  expectedState: string;
  /**
   * Exchanges the code; runs inside the callback request so the browser learns the outcome.
   * `signal` aborts when the login ends another way (cancel, abort, close).
   */
  handleCode: (code: string, context: { signal: AbortSignal }) => Promise<T>;
  /** Aborting ends the wait with `CODEX_OAUTH_LOGIN_CANCELLED` and frees the port. */
  signal?: AbortSignal;
  /** No valid callback within this many ms ends the wait with `CODEX_OAUTH_LOGIN_TIMEOUT`. */
  timeoutMs?: number;
  /** How long to keep serving `/success` after a successful exchange; default 2000 ms. */
  successGraceMs?: number;
  onEvent?: (e: OAuthEvent) => void;
}

/** A listening callback server. */
export interface LoopbackServer<T> {
  /** The bound port (1455, 1457, or the ephemeral one). */
  port: number;
  /** `http://{redirectHost}:{port}/auth/callback` */
  redirectUri: string;
  /** Settles once: the value of `handleCode`, or a `CodexOAuthError`. Never unhandled. */
  result: Promise<T>;
  /**
   * Frees the port and every socket. Before the result it ends the login (with `reason` when it
   * is a `CodexOAuthError`, else `CODEX_OAUTH_LOGIN_CANCELLED`); after a success it waits for the
   * browser's `/success` request (at most the grace period) so the tab still gets its page.
   */
  close(reason?: unknown): Promise<void>;
}

type Phase = 'waiting' | 'exchanging' | 'succeeded' | 'ended';

/**
 * Starts the browser flow's callback server on 127.0.0.1 (never another interface).
 *
 * Routes: `/auth/callback`, `/success`, `/cancel`; anything else is 404, a `Host` other than
 * `localhost:{port}` / `127.0.0.1:{port}` is 400 (DNS rebinding). A callback with a wrong or
 * missing `state` is 400 and the login goes on. The first valid callback wins: an `error`
 * parameter ends the login with `CODEX_OAUTH_ACCESS_DENIED` (every authorization-endpoint error is
 * a refusal; `missing_codex_entitlement` gets Codex's own message), a missing code with
 * `CODEX_OAUTH_INVALID_RESPONSE`, and otherwise `handleCode` runs: success answers 302 to
 * `/success` (relative, so the code leaves the browser history) and resolves `result`; failure
 * shows an escaped error page and rejects `result` (non-codex errors become
 * `CODEX_OAUTH_TOKEN_EXCHANGE_FAILED`). `GET /cancel` (sent by a newer sign-in wanting the port)
 * ends the login with `CODEX_OAUTH_LOGIN_CANCELLED`.
 *
 * After a success the server keeps answering until the browser has loaded `/success` or the
 * grace period passes (it no longer keeps the process alive meanwhile); every other ending frees
 * the port at once.
 */
export async function startLoopbackServer<T>(
  opts: LoopbackServerOptions<T>,
): Promise<LoopbackServer<T>> {
  const port = opts.port ?? DEFAULT_CALLBACK_PORT;
  const fallbackPort =
    opts.fallbackPort === undefined
      ? port === DEFAULT_CALLBACK_PORT
        ? FALLBACK_CALLBACK_PORT
        : null
      : opts.fallbackPort;
  validate(opts, port, fallbackPort);
  if (opts.signal?.aborted) throw cancelledError(opts.signal.reason);

  let phase: Phase = 'waiting';
  let boundPort = 0;
  let resolveResult!: (value: T) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<T>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  result.catch(() => {}); // awaiters still see the rejection; nobody else gets an unhandled one
  const exchange = new AbortController();
  const sockets = new Set<Socket>();
  const timers: NodeJS.Timeout[] = [];
  let grace: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;

  const server = createServer(
    { maxHeaderSize: 8 * 1024, requestTimeout: 30_000, headersTimeout: 15_000, keepAlive: false },
    (req, res) => {
      handle(req, res).catch(() => res.destroy());
    },
  );
  server.maxHeadersCount = 64;
  server.maxRequestsPerSocket = 1;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const shutdown = (): Promise<void> => {
    if (closed === undefined) {
      for (const timer of timers) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }
    return closed;
  };

  /** Ends the login with `error`, after `page` (if any) reached the browser. */
  const fail = async (error: unknown, page?: Promise<void>): Promise<void> => {
    if (phase === 'ended' || phase === 'succeeded') return;
    phase = 'ended';
    for (const timer of timers) clearTimeout(timer);
    await page;
    rejectResult(error);
    exchange.abort(error);
    await shutdown();
  };

  function onAbort(): void {
    if (phase === 'succeeded') void shutdown();
    else void fail(cancelledError(opts.signal?.reason));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${boundPort}` && host !== `localhost:${boundPort}`) {
      return sendText(res, 400, 'Bad Host header');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case '/auth/callback':
        return callback(url.searchParams, res);
      case '/success':
        if (phase !== 'succeeded') return sendText(res, 404, 'Not Found');
        await sendHtml(res, 200, successPage());
        await shutdown();
        return;
      case '/cancel': {
        const page = sendText(res, 200, 'Login cancelled');
        if (phase === 'succeeded') {
          await page;
          await shutdown();
        } else {
          await fail(cancelledError(undefined, 'another sign-in asked this one to stop'), page);
        }
        return;
      }
      default:
        return sendText(res, 404, 'Not Found');
    }
  }

  async function callback(query: URLSearchParams, res: ServerResponse): Promise<void> {
    if (!sameState(query.get('state'), opts.expectedState)) {
      return sendText(res, 400, 'State mismatch');
    }
    if (phase !== 'waiting') return sendHtml(res, 200, alreadyHandledPage());
    phase = 'exchanging';
    for (const timer of timers) clearTimeout(timer);
    emit(opts.onEvent, { type: 'callback_received' });

    const error = query.get('error');
    if (error !== null) {
      const denied = authorizationError(error, query.get('error_description'));
      return fail(
        denied.error,
        sendHtml(res, 403, errorPage(denied.title, denied.error.message, error)),
      );
    }
    const code = query.get('code');
    if (code === null || code === '') {
      const missing = missingCodeError();
      const page = errorPage(
        'Sign-in could not be completed',
        missing.message,
        'missing_authorization_code',
      );
      return fail(missing, sendHtml(res, 400, page));
    }

    emit(opts.onEvent, { type: 'exchanging' });
    let value: T;
    try {
      value = await opts.handleCode(code, { signal: exchange.signal });
    } catch (cause) {
      if (phase !== 'exchanging') return; // the login already ended (cancel, abort, close)
      const failure = exchangeError(cause);
      const page = errorPage('Sign-in could not be completed', failure.message, failure.code);
      return fail(failure, sendHtml(res, 502, page));
    }
    if (phase !== 'exchanging') return;
    phase = 'succeeded';
    await sendRedirect(res, '/success');
    resolveResult(value);
    // Serve /success briefly, without holding the process open for it: unless someone waits
    // for the port to close (see close()).
    server.unref();
    grace = setTimeout(() => void shutdown(), opts.successGraceMs ?? 2000);
    grace.unref();
    timers.push(grace);
  }

  try {
    boundPort = await bindLoopback(server, { port, fallbackPort, signal: opts.signal });
  } catch (err) {
    phase = 'ended';
    rejectResult(err);
    throw err;
  }
  // Listening only after the bind settled: an abort mid-bind must not race a half-open listener.
  if (opts.signal?.aborted) {
    const error = cancelledError(opts.signal.reason);
    phase = 'ended';
    rejectResult(error);
    await shutdown();
    throw error;
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.timeoutMs !== undefined) {
    const timeoutMs = opts.timeoutMs;
    timers.push(
      setTimeout(() => {
        if (phase === 'waiting') void fail(timeoutError(timeoutMs));
      }, timeoutMs),
    );
  }

  const api: LoopbackServer<T> = {
    port: boundPort,
    redirectUri: loopbackRedirectUri(boundPort, opts.redirectHost),
    result,
    close(reason?: unknown): Promise<void> {
      if (phase === 'waiting' || phase === 'exchanging') {
        return fail(reason instanceof CodexOAuthError ? reason : cancelledError(reason));
      }
      if (phase === 'succeeded') {
        // The caller waits for the browser to load /success (or the grace period to end): hold
        // the process open for it. Unreferenced, an awaited close left nothing to keep the event
        // loop alive, and a command-line program exited in the middle of its sign-in, with the
        // browser shown "connection refused" instead of the success page.
        server.ref();
        grace?.ref();
        return closed ?? new Promise((resolve) => server.once('close', resolve));
      }
      return shutdown();
    },
  };
  // `result` may hold tokens once settled; `inspect` shows only the public fields.
  Object.defineProperty(api, inspect.custom, {
    value: () => `LoopbackServer { port: ${boundPort}, redirectUri: '${api.redirectUri}' }`,
  });
  return api;
}

function sameState(got: string | null, expected: string): boolean {
  if (got === null) return false;
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function validate<T>(opts: LoopbackServerOptions<T>, port: number, fallback: number | null): void {
  const badPort = (p: number): boolean => !Number.isInteger(p) || p < 0 || p > 65535;
  const problem =
    typeof opts.expectedState !== 'string' || opts.expectedState === ''
      ? 'expectedState must be a non-empty string'
      : typeof opts.handleCode !== 'function'
        ? 'handleCode must be a function'
        : badPort(port) || (fallback !== null && badPort(fallback))
          ? 'port and fallbackPort must be integers from 0 to 65535'
          : opts.timeoutMs !== undefined && !(opts.timeoutMs > 0 && Number.isFinite(opts.timeoutMs))
            ? 'timeoutMs must be a positive number'
            : null;
  if (problem !== null) {
    throw new CodexOAuthError(ErrorCodes.INVALID_OPTION, `Loopback server: ${problem}.`);
  }
}
