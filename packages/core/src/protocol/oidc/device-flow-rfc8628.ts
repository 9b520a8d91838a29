import * as oauth from 'oauth4webapi';
import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import { type FetchLike, sleep } from '../../transport/http.js';
import {
  DEVICE_LOGIN_TIMEOUT_MS,
  type DeviceCode,
  loginCancelledError,
  type PollTiming,
} from '../openai/device-flow.js';
import { requireTokens } from '../token-exchange.js';
import { fromOauth4webapi, type OidcProfile, oidcCall, requireEndpoint } from './provider-oidc.js';

/** RFC 8628 §3.5: `slow_down` adds five seconds to the interval. */
const SLOW_DOWN_STEP_MS = 5_000;

// The `device_code` is a bearer secret: kept here, never on the object the caller sees.
const deviceCodes = new WeakMap<DeviceCode, string>();

/** Options every RFC 8628 step takes. */
export interface Rfc8628Options {
  fetch: FetchLike;
  provider: OidcProfile;
  signal?: AbortSignal | undefined;
}

/**
 * Starts an RFC 8628 device authorization at the issuer's `device_authorization_endpoint`
 * (through oauth4webapi). `verificationUrl` prefers `verification_uri_complete` when the issuer
 * gives one; a missing `interval` is 5 s, as the RFC says.
 */
export async function requestDeviceAuthorization(
  options: Rfc8628Options & { now?: () => number },
): Promise<DeviceCode> {
  requireEndpoint(options.provider, 'deviceAuthorization');
  const {
    client,
    auth,
    options: requestOptions,
  } = oidcCall(options.provider, options.fetch, options.signal);
  let answer: oauth.DeviceAuthorizationResponse;
  try {
    const response = await oauth.deviceAuthorizationRequest(
      options.provider.server,
      client,
      auth,
      { scope: options.provider.scope },
      requestOptions,
    );
    answer = await oauth.processDeviceAuthorizationResponse(
      options.provider.server,
      client,
      response,
    );
  } catch (error) {
    throw fromOauth4webapi(
      error,
      ErrorCodes.TOKEN_EXCHANGE_FAILED,
      'The device authorization request',
    );
  }
  const code: DeviceCode = Object.freeze({
    userCode: answer.user_code,
    verificationUrl: answer.verification_uri_complete ?? answer.verification_uri,
    intervalMs: (answer.interval ?? 5) * 1000,
    expiresAt: new Date((options.now ?? Date.now)() + answer.expires_in * 1000),
  });
  deviceCodes.set(code, answer.device_code);
  return code;
}

/** Options of {@link pollDeviceCodeGrant}. */
export interface PollRfc8628Options extends Rfc8628Options, PollTiming {
  deviceCode: DeviceCode;
}

/**
 * Polls the token endpoint with the device-code grant until the user approves:
 * `authorization_pending` waits, `slow_down` adds 5 s, `expired_token` ->
 * `CODEX_OAUTH_DEVICE_CODE_EXPIRED`, `access_denied` -> `CODEX_OAUTH_ACCESS_DENIED`, the limit ->
 * `CODEX_OAUTH_LOGIN_TIMEOUT`, an abort -> `CODEX_OAUTH_LOGIN_CANCELLED`.
 */
export async function pollDeviceCodeGrant(options: PollRfc8628Options): Promise<TokenSet> {
  const deviceCode = deviceCodes.get(options.deviceCode);
  if (!deviceCode) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceCodeGrant needs a DeviceCode from requestDeviceAuthorization.',
    );
  }
  const { provider } = options;
  const {
    client,
    auth,
    options: requestOptions,
  } = oidcCall(provider, options.fetch, options.signal);
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = now() + (options.timeoutMs ?? DEVICE_LOGIN_TIMEOUT_MS);
  let intervalMs = options.deviceCode.intervalMs;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await oauth.deviceCodeGrantRequest(
          provider.server,
          client,
          auth,
          deviceCode,
          requestOptions,
        );
        const answer = await oauth.processDeviceCodeResponse(provider.server, client, response);
        return requireTokens(answer as unknown as Record<string, unknown>);
      } catch (error) {
        if (!(error instanceof oauth.ResponseBodyError)) throw error;
        if (error.error === 'slow_down') intervalMs += SLOW_DOWN_STEP_MS;
        else if (error.error === 'expired_token') {
          throw new CodexOAuthError(
            ErrorCodes.DEVICE_CODE_EXPIRED,
            'The device code expired before it was entered. Start the sign-in again.',
            { status: error.status, error: error.error, cause: error },
          );
        } else if (error.error === 'access_denied') {
          throw new CodexOAuthError(
            ErrorCodes.ACCESS_DENIED,
            'The sign-in was denied at the device page. Start again if that was a mistake.',
            { status: error.status, error: error.error, cause: error },
          );
        } else if (error.error !== 'authorization_pending') throw error;
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
    if (options.signal?.aborted && !(error instanceof CodexOAuthError))
      throw loginCancelledError(error);
    throw fromOauth4webapi(error, ErrorCodes.TOKEN_EXCHANGE_FAILED, 'The device code grant');
  }
}
