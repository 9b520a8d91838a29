import { CodexOAuthError, cancelledError } from '../model/errors.js';
import { loopbackRedirectUri } from '../protocol/openai/authorize-url.js';
import { timeoutError } from './loopback-outcomes.js';
import type { LoopbackServer } from './loopback-server.js';

/** Options of {@link unboundLoopback}. */
export interface UnboundLoopbackOptions {
  /** The registered port the redirect names, though nothing of ours listens on it. */
  port: number;
  redirectHost?: '127.0.0.1' | 'localhost';
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Stands in for the callback server when no loopback port could be bound and the sign-in can be
 * finished by a pasted redirect instead: the authorize URL still names the registered
 * `redirect_uri` (the browser lands there on its own machine, and the address is pasted back),
 * but nothing listens. Its `result` never resolves on its own; it rejects on `close()`, an abort
 * or the timeout, exactly as the real server's does, so the browser login around it is unchanged.
 */
export function unboundLoopback<T>(options: UnboundLoopbackOptions): LoopbackServer<T> {
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<T>((_, reject) => {
    rejectResult = reject;
  });
  result.catch(() => {}); // awaiters still see the rejection
  let ended = false;
  const end = (error: unknown) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    rejectResult(error);
  };
  const onAbort = () => end(cancelledError(options.signal?.reason));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = options.timeoutMs;
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => end(timeoutError(timeoutMs)), timeoutMs);
  return {
    port: options.port,
    redirectUri: loopbackRedirectUri(options.port, options.redirectHost),
    result,
    async close(reason?: unknown) {
      end(reason instanceof CodexOAuthError ? reason : cancelledError(reason));
    },
  };
}
