import { inspect } from 'node:util';
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import type { FetchLike } from '../transport/http.js';
import { pollDeviceCodeGrant, requestDeviceAuthorization } from './oidc/device-flow-rfc8628.js';
import {
  type DeviceCode,
  exchangeDeviceGrant,
  loginCancelledError,
  pollDeviceToken,
  requestUserCode,
} from './openai/device-flow.js';
import { isOidcProvider, type Provider } from './provider.js';

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
 * Requests a device code now (OpenAI's variant, or RFC 8628 for an OIDC provider), emits
 * `user_code_ready`, and polls in the background until the user approves, then exchanges.
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
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) throw loginCancelledError(options.signal.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  let code: DeviceCode;
  try {
    code = isOidcProvider(provider)
      ? await requestDeviceAuthorization({
          fetch,
          provider,
          signal,
          ...(options.now && { now: options.now }),
        })
      : await requestUserCode({ fetch, provider, signal });
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort);
    if (signal.aborted && !(error instanceof CodexOAuthError)) throw loginCancelledError(error);
    throw error;
  }
  emit(onEvent, {
    type: 'user_code_ready',
    userCode: code.userCode,
    verificationUrl: code.verificationUrl,
    expiresAt: code.expiresAt,
  });
  emit(onEvent, { type: 'waiting', flow: 'device_code' });
  const poll = {
    fetch,
    deviceCode: code,
    signal,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.now && { now: options.now }),
    ...(options.sleep && { sleep: options.sleep }),
  };
  const run = async (): Promise<TokenSet> => {
    if (isOidcProvider(provider)) return pollDeviceCodeGrant({ ...poll, provider });
    const grant = await pollDeviceToken({ ...poll, provider });
    emit(onEvent, { type: 'exchanging' });
    return exchangeDeviceGrant({ fetch, provider, grant, signal });
  };
  const result = run().then(
    (tokens) => tokens,
    (error: unknown) => {
      const final =
        signal.aborted && !(error instanceof CodexOAuthError) ? loginCancelledError(error) : error;
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
      controller.abort(loginCancelledError());
      await settled;
    },
  };
  // `inspect` would print the settled `result`, tokens included: show the public fields only.
  Object.defineProperty(login, inspect.custom, { value: () => `DeviceLogin ${inspect(shown)}` });
  return Object.freeze(login);
}
