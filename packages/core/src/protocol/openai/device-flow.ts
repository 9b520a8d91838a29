import { inspect } from 'node:util';
import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import {
  describeOAuthError,
  type FetchLike,
  postJson,
  readJson,
  readOAuthError,
  sleep,
} from '../../transport/http.js';
import { processTokenExchangeResponse, tokenExchangeRequest } from '../token-exchange.js';
import type { OpenAIProfile } from './provider-openai.js';

/** Upstream gives up 15 minutes after the first poll. */
export const DEVICE_LOGIN_TIMEOUT_MS = 15 * 60_000;
/** `slow_down` doubles the interval up to this. */
export const DEVICE_MAX_INTERVAL_MS = 10_000;

/**
 * A device code the user must enter. `deviceAuthId` is a secret held in a module-private map, so
 * the object can be logged, inspected or serialised without leaking it.
 */
export interface DeviceCode {
  /** The code to type at {@link DeviceCode.verificationUrl}, e.g. `ABCD-12345`. */
  readonly userCode: string;
  /** Where to type it: `{issuer}/codex/device`. */
  readonly verificationUrl: string;
  /** Delay between polls, in ms. */
  readonly intervalMs: number;
  /** When the code stops working (the server's `expires_at`, else 15 minutes from now). */
  readonly expiresAt: Date;
}

/** The authorization code a device login ends with; its secrets are private (see below). */
export interface DeviceGrant {
  /** Always `'device_grant'`; the code and verifier cannot be read from the object. */
  readonly kind: 'device_grant';
}

const deviceAuthIds = new WeakMap<DeviceCode, string>();
const grantSecrets = new WeakMap<DeviceGrant, { code: string; verifier: string }>();

/** Options every OpenAI device step takes. */
export interface OpenAIDeviceOptions {
  fetch: FetchLike;
  provider: OpenAIProfile;
  signal?: AbortSignal | undefined;
}

/** Makes the user-code request: `POST {issuer}/api/accounts/deviceauth/usercode`, `{"client_id"}`. */
export function userCodeRequest(options: OpenAIDeviceOptions): Promise<Response> {
  return postJson(
    options.fetch,
    options.provider.endpoints.deviceUserCode,
    { client_id: options.provider.clientId },
    { signal: options.signal },
  );
}

/**
 * Reads the user-code answer. 404 means device sign-in is switched off:
 * `CODEX_OAUTH_DEVICE_LOGIN_DISABLED`. Accepts `user_code` or `usercode`, and `interval` as a
 * string ("5") or a number; a missing interval is 5 s (RFC 8628's default) rather than upstream's
 * 0, which would poll without pause.
 */
export async function processUserCodeResponse(
  response: Response,
  provider: OpenAIProfile,
  now: () => number = Date.now,
): Promise<DeviceCode> {
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CodexOAuthError(
      ErrorCodes.DEVICE_LOGIN_DISABLED,
      'Device code sign-in is not enabled for this account or server. Enable device code authorization for Codex in ChatGPT Settings > Security (or ask your workspace admin), or use the browser sign-in.',
      { status: 404 },
    );
  }
  if (!response.ok) {
    const details = await readOAuthError(response);
    throw new CodexOAuthError(
      ErrorCodes.TOKEN_EXCHANGE_FAILED,
      `The device code request failed with status ${details.status}: ${describeOAuthError(details)}. Try again, or use the browser sign-in.`,
      { status: details.status, ...(details.error && { error: details.error }) },
    );
  }
  const json = await readJson(response);
  const deviceAuthId = json.device_auth_id;
  const userCode = json.user_code ?? json.usercode;
  const interval = Number(json.interval ?? 5);
  if (
    typeof deviceAuthId !== 'string' ||
    !deviceAuthId ||
    typeof userCode !== 'string' ||
    !userCode ||
    !Number.isFinite(interval) ||
    interval < 0
  ) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      'The device code answer lacks device_auth_id or user_code, or has an unusable interval.',
    );
  }
  const code: DeviceCode = Object.freeze({
    userCode,
    verificationUrl: provider.endpoints.deviceVerification,
    intervalMs: Math.round(interval * 1000),
    expiresAt: new Date(parseExpiresAt(json.expires_at) ?? now() + DEVICE_LOGIN_TIMEOUT_MS),
  });
  deviceAuthIds.set(code, deviceAuthId);
  return code;
}

/** Requests a device code (request + answer in one call). */
export async function requestUserCode(options: OpenAIDeviceOptions): Promise<DeviceCode> {
  return processUserCodeResponse(await userCodeRequest(options), options.provider);
}

/**
 * Consecutive 5xx, 429 or network failures a device poll rides out before it gives up: the user
 * may be typing the code for minutes, and one bad gateway should not throw that away.
 */
export const MAX_POLL_FAILURES = 3;

const TRANSIENT_NETWORK_CODES = new Set<string>([
  ErrorCodes.NETWORK_ERROR,
  ErrorCodes.REQUEST_TIMEOUT,
]);

function isTransientNetworkError(error: unknown): boolean {
  return error instanceof CodexOAuthError && TRANSIENT_NETWORK_CODES.has(error.code);
}

/** How long and how a device poll waits; shared by OpenAI's poll and RFC 8628's. */
export interface PollTiming {
  /** Give up after this long (default 15 minutes): `CODEX_OAUTH_LOGIN_TIMEOUT`. */
  timeoutMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Abortable wait, injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after every pending answer (for `waiting` events). */
  onPending?: (info: { attempt: number; intervalMs: number }) => void;
}

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceOptions extends OpenAIDeviceOptions, PollTiming {
  deviceCode: DeviceCode;
}

/**
 * Polls `POST {issuer}/api/accounts/deviceauth/token` with `{device_auth_id, user_code}` until the
 * user approves. 403/404 (or `authorization_pending`) mean pending; `slow_down` doubles the
 * interval (cap 10 s); `expired_token` -> `CODEX_OAUTH_DEVICE_CODE_EXPIRED`; `access_denied` ->
 * `CODEX_OAUTH_ACCESS_DENIED`; the time limit -> `CODEX_OAUTH_LOGIN_TIMEOUT`; an aborted signal ->
 * `CODEX_OAUTH_LOGIN_CANCELLED`. Up to {@link MAX_POLL_FAILURES} consecutive 5xx, 429 or network
 * failures are waited out like a pending answer.
 */
export async function pollDeviceToken(options: PollDeviceOptions): Promise<DeviceGrant> {
  const deviceAuthId = deviceAuthIds.get(options.deviceCode);
  if (!deviceAuthId) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceToken needs a DeviceCode from requestUserCode.',
    );
  }
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = now() + (options.timeoutMs ?? DEVICE_LOGIN_TIMEOUT_MS);
  let intervalMs = options.deviceCode.intervalMs;
  let failures = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      try {
        response = await postJson(
          options.fetch,
          options.provider.endpoints.deviceToken,
          { device_auth_id: deviceAuthId, user_code: options.deviceCode.userCode },
          { signal: options.signal },
        );
      } catch (error) {
        // A dropped connection or a timeout is not worth ending a 15-minute wait for.
        if (options.signal?.aborted || !isTransientNetworkError(error)) throw error;
        if (++failures >= MAX_POLL_FAILURES) throw error;
      }
      if (response !== undefined) {
        if (response.ok) return readGrant(await readJson(response));
        const details = await readOAuthError(response);
        if (details.error === 'slow_down') {
          intervalMs = Math.min(Math.max(intervalMs * 2, 1), DEVICE_MAX_INTERVAL_MS);
          failures = 0;
        } else if (details.error === 'expired_token') {
          throw new CodexOAuthError(
            ErrorCodes.DEVICE_CODE_EXPIRED,
            'The device code expired before it was entered. Start the sign-in again.',
            { status: details.status, error: details.error },
          );
        } else if (details.error === 'access_denied') {
          throw new CodexOAuthError(
            ErrorCodes.ACCESS_DENIED,
            'The sign-in was denied at the device page. Start again if that was a mistake.',
            { status: details.status, error: details.error },
          );
        } else if (
          details.status === 403 ||
          details.status === 404 ||
          details.error === 'authorization_pending'
        ) {
          failures = 0;
        } else if (
          (details.status < 500 && details.status !== 429) ||
          ++failures >= MAX_POLL_FAILURES
        ) {
          throw new CodexOAuthError(
            ErrorCodes.TOKEN_EXCHANGE_FAILED,
            `Device authorization failed with status ${details.status}: ${describeOAuthError(details)}. Start the sign-in again.`,
            { status: details.status, ...(details.error && { error: details.error }) },
          );
        }
      }
      if (now() + intervalMs >= deadline) {
        throw new CodexOAuthError(
          ErrorCodes.LOGIN_TIMEOUT,
          'No device sign-in finished within the time limit (15 minutes by default). Start the sign-in again.',
        );
      }
      options.onPending?.({ attempt, intervalMs });
      await wait(intervalMs, options.signal);
    }
  } catch (error) {
    // An abort surfaces as whatever fetch or sleep rejects with; our own errors keep their code.
    if (options.signal?.aborted && !(error instanceof CodexOAuthError))
      throw loginCancelledError(error);
    throw error;
  }
}

/**
 * Exchanges a device grant at the token endpoint with the server-supplied verifier and
 * `redirect_uri={issuer}/deviceauth/callback` (upstream §2 step 4).
 */
export async function exchangeDeviceGrant(
  options: OpenAIDeviceOptions & { grant: DeviceGrant },
): Promise<TokenSet> {
  const secrets = grantSecrets.get(options.grant);
  if (!secrets) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'exchangeDeviceGrant needs a DeviceGrant from pollDeviceToken.',
    );
  }
  const response = await tokenExchangeRequest({
    fetch: options.fetch,
    provider: options.provider,
    code: secrets.code,
    redirectUri: options.provider.endpoints.deviceRedirect,
    codeVerifier: secrets.verifier,
    signal: options.signal,
  });
  return processTokenExchangeResponse(response);
}

/** The `LOGIN_CANCELLED` error for an aborted wait, keeping the abort reason as `cause`. */
export function loginCancelledError(cause?: unknown): CodexOAuthError {
  return new CodexOAuthError(ErrorCodes.LOGIN_CANCELLED, 'The sign-in was cancelled.', { cause });
}

function readGrant(json: Record<string, unknown>): DeviceGrant {
  const { authorization_code: code, code_verifier: verifier } = json;
  if (typeof code !== 'string' || !code || typeof verifier !== 'string' || !verifier) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      'The device authorization answer lacks authorization_code or code_verifier.',
    );
  }
  const grant: DeviceGrant = Object.freeze({
    kind: 'device_grant',
    [inspect.custom]: () => 'DeviceGrant {}',
  });
  grantSecrets.set(grant, { code, verifier });
  return grant;
}

function parseExpiresAt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value))
    return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
