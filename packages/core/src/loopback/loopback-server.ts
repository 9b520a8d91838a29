import type { Socket } from 'node:net';
import { CodexOAuthError, cancelledError, ErrorCodes } from '../model/errors.js';
import type { OAuthEvent } from '../model/events.js';
import { INSPECT_CUSTOM } from '../model/inspect-hook.js';
import { loopbackRedirectUri } from '../protocol/openai/authorize-url.js';
import { bindLoopback } from './bind-port.js';
import { releasePort } from './held-ports.js';
import { LoginState } from './login-state.js';
import { timeoutError } from './loopback-outcomes.js';
import { handleLoopbackRequest, type RouteContext } from './loopback-routes.js';
import { checkSuccessPage, type SuccessPage } from './success-page.js';

/** How long the socket that carried the last answer may take to close by itself. */
const FINISHING_SOCKET_MS = 1000;

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
  /**
   * How long to keep serving `/success` after a successful exchange; default 10 000 ms. The
   * browser asks for it at once after the redirect; the wait only matters when it never does, and
   * 2 s was seen to be too short for a loaded machine (the tab showed "connection refused").
   */
  successGraceMs?: number;
  onEvent?: (e: OAuthEvent) => void;
  /**
   * Send `GET /cancel` to another program holding `port`, as Codex does (default `true`); see
   * `bindLoopback`. A port held by a sign-in of this process is never sent `/cancel`.
   */
  takeOverPort?: boolean;
  /** What `/success` shows, or where it redirects the tab; default Codex's page. */
  successPage?: SuccessPage;
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

/**
 * Starts the browser flow's callback server on 127.0.0.1 (never another interface).
 *
 * Routes (see `loopback-routes.ts`): `/auth/callback`, `/success`, `/cancel`; anything else is
 * 404, a `Host` other than `localhost:{port}` / `127.0.0.1:{port}` is 400 (DNS rebinding). A
 * callback with a wrong or missing `state` is 400 and the login goes on. The first valid callback
 * wins: an `error` parameter ends the login with `CODEX_OAUTH_ACCESS_DENIED` (every
 * authorization-endpoint error is a refusal; `missing_codex_entitlement` gets Codex's own
 * message), a missing code with `CODEX_OAUTH_INVALID_RESPONSE`, and otherwise `handleCode` runs:
 * success answers 302 to `/success` (relative, so the code leaves the browser history) and
 * resolves `result`; failure shows an escaped error page and rejects `result` (non-codex errors
 * become `CODEX_OAUTH_TOKEN_EXCHANGE_FAILED`). `GET /cancel` (sent by a newer sign-in wanting the
 * port) ends the login with `CODEX_OAUTH_LOGIN_CANCELLED`. The phases live in `login-state.ts`.
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
  const successPage =
    opts.successPage === undefined ? undefined : checkSuccessPage(opts.successPage);
  if (opts.signal?.aborted) throw cancelledError(opts.signal.reason);

  const state = new LoginState<T>();
  const sockets = new Set<Socket>();
  let grace: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;

  // Loaded on first use, not imported: on Node 22+ the ES-module view of `node:http` reads every
  // export, its lazy WebSocket getters included, and so loads Node's own bundled undici
  // (~40 ms of CPU and ~13 MiB on Node 24) into every program that imports core, even one that
  // never signs in with a browser (`getAccessToken`, `codex-oauth token`). bench/README.md.
  const { createServer } = process.getBuiltinModule('node:http');
  const server = createServer(
    { maxHeaderSize: 8 * 1024, requestTimeout: 30_000, headersTimeout: 15_000, keepAlive: false },
    (req, res) => {
      handleLoopbackRequest(req, res, routes).catch(() => res.destroy());
    },
  );
  server.maxHeadersCount = 64;
  server.maxRequestsPerSocket = 1;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let boundPort = 0;
  const shutdown = (finishing?: Socket | null): Promise<void> => {
    if (closed === undefined) {
      state.clearTimers();
      opts.signal?.removeEventListener('abort', onAbort);
      closed = new Promise((resolve) =>
        server.close(() => {
          if (boundPort !== 0) releasePort(boundPort);
          resolve();
        }),
      );
      for (const socket of sockets) {
        if (socket !== finishing) socket.destroy();
      }
      // The socket that has just carried `/success` (or `/cancel`) ends on its own after its
      // bytes (Connection: close). Destroying it at once could reset the connection before the
      // browser read the page; it gets a short while, without holding the process for it.
      if (finishing && !finishing.destroyed) {
        finishing.end();
        setTimeout(() => finishing.destroy(), FINISHING_SOCKET_MS).unref();
      }
    }
    return closed;
  };

  /** Ends the login with `error`, after `page` (if any) reached the browser, and frees the port. */
  const fail = async (error: unknown, page?: Promise<void>): Promise<void> => {
    if (await state.fail(error, page)) await shutdown();
  };

  const routes: RouteContext<T> = {
    state,
    port: 0,
    expectedState: opts.expectedState,
    handleCode: opts.handleCode,
    onEvent: opts.onEvent,
    successPage,
    fail,
    shutdown,
    afterSuccess() {
      // Serve /success briefly, without holding the process open for it: unless someone waits
      // for the port to close (see close()).
      server.unref();
      grace = state.schedule(opts.successGraceMs ?? 10_000, () => void shutdown(), { unref: true });
    },
  };

  function onAbort(): void {
    if (state.phase === 'succeeded') void shutdown();
    else void fail(cancelledError(opts.signal?.reason));
  }

  try {
    routes.port = await bindLoopback(server, {
      port,
      fallbackPort,
      signal: opts.signal,
      ...(opts.takeOverPort !== undefined && { takeOverPort: opts.takeOverPort }),
    });
  } catch (err) {
    await state.fail(err);
    throw err;
  }
  boundPort = routes.port;
  // Listening only after the bind settled: an abort mid-bind must not race a half-open listener.
  if (opts.signal?.aborted) {
    const error = cancelledError(opts.signal.reason);
    await state.fail(error);
    await shutdown();
    throw error;
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.timeoutMs !== undefined) {
    const timeoutMs = opts.timeoutMs;
    state.schedule(timeoutMs, () => {
      if (state.phase === 'waiting') void fail(timeoutError(timeoutMs));
    });
  }

  const api: LoopbackServer<T> = {
    port: boundPort,
    redirectUri: loopbackRedirectUri(boundPort, opts.redirectHost),
    result: state.result,
    close(reason?: unknown): Promise<void> {
      if (state.pending) {
        return fail(reason instanceof CodexOAuthError ? reason : cancelledError(reason));
      }
      if (state.phase === 'succeeded') {
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
  Object.defineProperty(api, INSPECT_CUSTOM, {
    value: () => `LoopbackServer { port: ${boundPort}, redirectUri: '${api.redirectUri}' }`,
  });
  return api;
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
