import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import { INSPECT_CUSTOM } from '../../model/inspect-hook.js';
import { describeOAuthError, readJson, readOAuthError } from '../../transport/answer.js';
import type { FetchLike } from '../../transport/http.js';
import { postForm, postJson } from '../../transport/request.js';
import { type DeviceCode, deviceCodeSecret } from '../device-code.js';
import { type PollStep, type PollTiming, pollUntilDone } from '../device-poll.js';
import type { OpenAIProfile } from './provider-openai.js';
import { processTokenExchangeResponse } from './token-exchange.js';

/** `slow_down` doubles the interval, up to this (unless the server's own interval is longer). */
export const DEVICE_MAX_INTERVAL_MS = 10_000;

/** The authorization code a device login ends with; its secrets are private (see below). */
export interface DeviceGrant {
  /** Always `'device_grant'`; the code and verifier cannot be read from the object. */
  readonly kind: 'device_grant';
}

const grantSecrets = new WeakMap<DeviceGrant, { code: string; verifier: string }>();

/** Options every OpenAI device step takes. */
export interface OpenAIDeviceOptions {
  fetch: FetchLike;
  provider: OpenAIProfile;
  signal?: AbortSignal | undefined;
}

/** Makes one poll: `POST {issuer}/api/accounts/deviceauth/token`, `{device_auth_id, user_code}`. */
export function devicePollRequest(
  options: OpenAIDeviceOptions & { deviceCode: DeviceCode },
): Promise<Response> {
  const deviceAuthId = deviceCodeSecret(options.deviceCode);
  if (!deviceAuthId) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceToken needs a DeviceCode from requestUserCode.',
    );
  }
  return postJson(
    options.fetch,
    options.provider.endpoints.deviceToken,
    { device_auth_id: deviceAuthId, user_code: options.deviceCode.userCode },
    { signal: options.signal },
  );
}

/**
 * Reads one poll answer: 2xx is the grant; 403/404 (or `authorization_pending`) pending;
 * `slow_down`; `expired_token` -> `CODEX_OAUTH_DEVICE_CODE_EXPIRED`; `access_denied` ->
 * `CODEX_OAUTH_ACCESS_DENIED`; 5xx/429 transient; anything else `CODEX_OAUTH_TOKEN_EXCHANGE_FAILED`.
 */
export async function processDevicePollResponse(response: Response): Promise<PollStep> {
  if (response.ok) return { kind: 'done', value: readGrant(await readJson(response)) };
  const details = await readOAuthError(response);
  if (details.error === 'slow_down') return { kind: 'slow_down' };
  if (details.error === 'expired_token') {
    throw new CodexOAuthError(
      ErrorCodes.DEVICE_CODE_EXPIRED,
      'The device code expired before it was entered. Start the sign-in again.',
      { status: details.status, error: details.error },
    );
  }
  if (details.error === 'access_denied') {
    throw new CodexOAuthError(
      ErrorCodes.ACCESS_DENIED,
      'The sign-in was denied at the device page. Start again if that was a mistake.',
      { status: details.status, error: details.error },
    );
  }
  if (
    details.status === 403 ||
    details.status === 404 ||
    details.error === 'authorization_pending'
  ) {
    return { kind: 'pending' };
  }
  const error = new CodexOAuthError(
    ErrorCodes.TOKEN_EXCHANGE_FAILED,
    `Device authorization failed with status ${details.status}: ${describeOAuthError(details)}. Start the sign-in again.`,
    { status: details.status, ...(details.error && { error: details.error }) },
  );
  if (details.status >= 500 || details.status === 429) return { kind: 'transient', error };
  throw error;
}

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceOptions extends OpenAIDeviceOptions, PollTiming {
  deviceCode: DeviceCode;
}

/**
 * Polls until the user approves, through the shared poll loop (interval floor, deadline,
 * transient-failure budget, abort): see {@link processDevicePollResponse} for the answers.
 */
export async function pollDeviceToken(options: PollDeviceOptions): Promise<DeviceGrant> {
  if (!deviceCodeSecret(options.deviceCode)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceToken needs a DeviceCode from requestUserCode.',
    );
  }
  const { deviceCode, signal, ...timing } = options;
  return (await pollUntilDone({
    ...timing,
    signal,
    intervalMs: deviceCode.intervalMs,
    slowDown: slowDownOpenAI,
    poll: async () => processDevicePollResponse(await devicePollRequest(options)),
  })) as DeviceGrant;
}

/** OpenAI's `slow_down`: double, up to 10 s, never below the current interval. */
export function slowDownOpenAI(intervalMs: number): number {
  return Math.max(intervalMs, Math.min(intervalMs * 2, DEVICE_MAX_INTERVAL_MS));
}

/**
 * Exchanges a device grant at the token endpoint with the server-supplied verifier and
 * `redirect_uri={issuer}/deviceauth/callback` (upstream §2 step 4), form fields in Codex 0.171's
 * order for this request, without `originator`.
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
  // Codex 0.171 (observed on the wire) orders this form unlike the browser exchange:
  // grant_type, client_id, code, redirect_uri, code_verifier.
  const response = await postForm(
    options.fetch,
    options.provider.endpoints.token,
    [
      ['grant_type', 'authorization_code'],
      ['client_id', options.provider.clientId],
      ['code', secrets.code],
      ['redirect_uri', options.provider.endpoints.deviceRedirect],
      ['code_verifier', secrets.verifier],
    ],
    { signal: options.signal },
  );
  return processTokenExchangeResponse(response);
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
    [INSPECT_CUSTOM]: () => 'DeviceGrant {}',
  });
  grantSecrets.set(grant, { code, verifier });
  return grant;
}
