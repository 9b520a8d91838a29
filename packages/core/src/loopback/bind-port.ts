import type { Server } from 'node:http';
import { CodexOAuthError, cancelledError, ErrorCodes } from '../model/errors.js';
import { claimPort, releasePort } from './held-ports.js';
import { describePortOwner } from './port-owner.js';

/** Options for {@link bindLoopback}. */
export interface BindLoopbackOptions {
  /** Port to try first (0 = ephemeral). */
  port: number;
  /** Port to try when `port` stays busy; `null` for none. */
  fallbackPort: number | null;
  signal?: AbortSignal;
  /** Bind attempts per port (Codex: 10). */
  attempts?: number;
  /** Pause between attempts (Codex: 200 ms). */
  retryDelayMs?: number;
  /**
   * Send `GET /cancel` to another program holding `port` and wait for it to give way, as Codex
   * does (default `true`). `false`: never disturb another program's sign-in; a busy port is
   * skipped at once. A port held by this process's own sign-in is never sent `/cancel`.
   */
  takeOverPort?: boolean;
}

/** The loopback interface, and nothing else: the callback must not be reachable from the LAN. */
const LOOPBACK_HOST = '127.0.0.1';
const CANCEL_TIMEOUT_MS = 2000;

/**
 * Makes `server` listen on 127.0.0.1 as Codex does: try `port`; if another program holds it, send
 * `GET /cancel` to it once (an earlier sign-in of ours or of Codex then shuts down), retry every
 * `retryDelayMs` for `attempts` tries, then try `fallbackPort` the same way (no `/cancel` there).
 * A port this process's own sign-in holds (see `held-ports.ts`) is skipped without a `/cancel`,
 * and so is every busy port when `takeOverPort` is `false`. Resolves with the bound port, which
 * stays claimed for this process until the server calls `releasePort`. Both busy is
 * `CODEX_OAUTH_LOGIN_IN_PROGRESS` when a sign-in of this process holds one of them, else
 * `CODEX_OAUTH_PORT_IN_USE` naming the owners when they can be found; an abort is
 * `CODEX_OAUTH_LOGIN_CANCELLED`.
 */
export async function bindLoopback(server: Server, opts: BindLoopbackOptions): Promise<number> {
  const takeOver = opts.takeOverPort ?? true;
  const attempts = takeOver ? (opts.attempts ?? 10) : 1;
  const delayMs = opts.retryDelayMs ?? 200;
  const ports = opts.fallbackPort === null ? [opts.port] : [opts.port, opts.fallbackPort];
  const heldHere: number[] = [];
  let cancel: (() => void) | undefined;
  try {
    for (const [index, port] of ports.entries()) {
      throwIfAborted(opts.signal);
      if (!claimPort(port)) {
        heldHere.push(port);
        continue;
      }
      let bound = false;
      try {
        for (let attempt = 0; attempt < attempts; attempt++) {
          throwIfAborted(opts.signal);
          try {
            await listen(server, port);
            bound = true;
            const address = server.address();
            const boundPort = typeof address === 'object' && address !== null ? address.port : port;
            claimPort(boundPort); // the ephemeral port of `port: 0`
            return boundPort;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw bindError(port, err);
          }
          if (takeOver && index === 0 && attempt === 0 && port !== 0) cancel = requestCancel(port);
          if (attempt < attempts - 1) await delay(delayMs, opts.signal);
        }
      } finally {
        if (!bound) releasePort(port);
      }
    }
  } finally {
    cancel?.();
  }
  if (heldHere.length > 0) throw inProgressError(ports, heldHere);
  const owners = await Promise.all(
    ports.map(async (p) => `${p}: ${(await describePortOwner(p)) ?? 'unknown process'}`),
  );
  throw new CodexOAuthError(
    ErrorCodes.PORT_IN_USE,
    `Cannot start the sign-in callback server: ${ports.map((p) => `127.0.0.1:${p}`).join(' and ')} ` +
      `${ports.length > 1 ? 'are' : 'is'} in use (${owners.join('; ')}). ` +
      'Finish or stop the other sign-in (or the program holding the port) and try again, ' +
      'or use the device flow.',
  );
}

/** Every port was busy and this process's own sign-in holds at least one: it is left running. */
function inProgressError(ports: number[], heldHere: number[]): CodexOAuthError {
  const others = ports.filter((p) => !heldHere.includes(p));
  const held = heldHere.map((p) => `127.0.0.1:${p}`).join(' and ');
  const busy =
    others.length > 0 ? ` and ${others.map((p) => `127.0.0.1:${p}`).join(', ')} is busy` : '';
  return new CodexOAuthError(
    ErrorCodes.LOGIN_IN_PROGRESS,
    `Another sign-in is in progress here: a browser sign-in of this program holds ${held}${busy}. ` +
      'It was left running. Wait for it to finish or cancel it, then try again, or use the ' +
      'device flow.',
  );
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true });
  });
}

/**
 * Sends `GET /cancel` over a raw socket, as Codex does, and returns a function that drops the
 * socket. Failures are ignored: the holder may be anything, and the retries decide.
 */
function requestCancel(port: number): () => void {
  // Taken here, not imported: only a port that is already taken needs it.
  const socket = process.getBuiltinModule('node:net').connect({ host: LOOPBACK_HOST, port });
  socket.setTimeout(CANCEL_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.on('connect', () => {
    socket.end(
      `GET /cancel HTTP/1.1\r\nHost: ${LOOPBACK_HOST}:${port}\r\nConnection: close\r\n\r\n`,
    );
  });
  return () => socket.destroy();
}

function bindError(port: number, cause: unknown): CodexOAuthError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
  if (code === 'EACCES') {
    return new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `Not allowed to listen on 127.0.0.1:${port} (EACCES). Use a port above 1023.`,
      { cause },
    );
  }
  return new CodexOAuthError(
    ErrorCodes.PORT_IN_USE,
    `Cannot listen on 127.0.0.1:${port} (${code}). Check that the loopback interface is up.`,
    { cause },
  );
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw cancelledError(signal.reason);
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      try {
        throwIfAborted(signal);
      } catch (err) {
        reject(err);
      }
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
