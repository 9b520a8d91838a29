import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, cancelledError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import { INSPECT_CUSTOM, type Inspect } from '../model/inspect-hook.js';
import type { FetchLike } from '../transport/http.js';
import type { DeviceCode } from './device-code.js';
import { pollUntilDone } from './device-poll.js';
import { type Provider, strategyOf } from './provider.js';

/** Options of {@link startDeviceLogin}. */
export interface DeviceLoginOptions {
  provider: Provider;
  fetch: FetchLike;
  /** Aborting it cancels the login (`CODEX_OAUTH_LOGIN_CANCELLED`). */
  signal?: AbortSignal;
  /** Polling limit; default 15 minutes (`CODEX_OAUTH_LOGIN_TIMEOUT`). */
  timeoutMs?: number;
  onEvent?: OnEvent;
  /** Clock and wait, injectable for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A device login whose code is on screen and whose polling runs. Holds no secret. */
export interface DeviceLogin {
  readonly verificationUrl: string;
  readonly userCode: string;
  readonly intervalMs: number;
  readonly expiresAt: Date;
  /** Settles with the tokens, or the typed error that ended the login. */
  readonly result: Promise<TokenSet>;
  /** Stops polling; `result` rejects with `CODEX_OAUTH_LOGIN_CANCELLED`. Resolves once stopped. */
  cancel(): Promise<void>;
}

/**
 * Requests a device code now (through the provider's strategy: OpenAI's variant, or RFC 8628),
 * emits `user_code_ready`, and polls in the background through the shared poll loop until the
 * user approves, then finishes (OpenAI exchanges the grant's code).
 *
 * @example
 * ```ts
 * const login = await startDeviceLogin({ provider, fetch, onEvent: console.log });
 * console.log(`Open ${login.verificationUrl} and enter ${login.userCode}`);
 * const tokens = await login.result;
 * ```
 */
export async function startDeviceLogin(options: DeviceLoginOptions): Promise<DeviceLogin> {
  const { provider, fetch, onEvent } = options;
  const strategy = strategyOf(provider);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) throw cancelledError(options.signal.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  let code: DeviceCode;
  try {
    code = await strategy.startDevice(provider, { fetch, signal, now: options.now ?? Date.now });
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort);
    if (signal.aborted && !(error instanceof CodexOAuthError)) throw cancelledError(error);
    throw error;
  }
  emit(onEvent, {
    type: 'user_code_ready',
    userCode: code.userCode,
    verificationUrl: code.verificationUrl,
    expiresAt: code.expiresAt,
  });
  emit(onEvent, { type: 'waiting', flow: 'device_code' });
  const run = async (): Promise<TokenSet> => {
    const done = await pollUntilDone({
      intervalMs: code.intervalMs,
      signal,
      slowDown: strategy.slowDown,
      poll: () => strategy.pollDevice(provider, { fetch, signal, deviceCode: code }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.now && { now: options.now }),
      ...(options.sleep && { sleep: options.sleep }),
    });
    if (strategy.deviceExchange) emit(onEvent, { type: 'exchanging' });
    return strategy.finishDevice(provider, { fetch, signal, done });
  };
  const result = run().then(
    (tokens) => tokens,
    (error: unknown) => {
      const final =
        signal.aborted && !(error instanceof CodexOAuthError) ? cancelledError(error) : error;
      if (final instanceof CodexOAuthError) {
        emit(onEvent, { type: 'failed', code: final.code, message: final.message });
      }
      throw final;
    },
  );
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  void settled.finally(() => options.signal?.removeEventListener('abort', onAbort));
  const shown = {
    verificationUrl: code.verificationUrl,
    userCode: code.userCode,
    intervalMs: code.intervalMs,
    expiresAt: code.expiresAt,
  };
  const login: DeviceLogin = {
    ...shown,
    result,
    async cancel() {
      controller.abort(cancelledError());
      await settled;
    },
  };
  // `inspect` would print the settled `result`, tokens included: show the public fields only.
  Object.defineProperty(login, INSPECT_CUSTOM, {
    value: (_depth: number, _options: object, inspect: Inspect) => `DeviceLogin ${inspect(shown)}`,
  });
  return Object.freeze(login);
}
