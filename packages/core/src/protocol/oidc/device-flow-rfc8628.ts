import * as oauth from 'oauth4webapi';
import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import type { FetchLike } from '../../transport/http.js';
import {
  clampInterval,
  type DeviceCode,
  deviceCodeSecret,
  sealDeviceCode,
} from '../device-code.js';
import { type PollStep, type PollTiming, pollUntilDone } from '../device-poll.js';
import { requireTokens } from '../token-fields.js';
import { fromOauth4webapi, type OidcProfile, oidcCall, requireEndpoint } from './provider-oidc.js';
import { slowDownRfc8628 } from './slow-down.js';

/** Options every RFC 8628 step takes. */
export interface Rfc8628Options {
  fetch: FetchLike;
  provider: OidcProfile;
  signal?: AbortSignal | undefined;
}

/**
 * Starts an RFC 8628 device authorization at the issuer's `device_authorization_endpoint`
 * (through oauth4webapi). `verificationUrl` prefers `verification_uri_complete` when the issuer
 * gives one; the interval is clamped to 1–60 s (a missing one is 5 s, as the RFC says).
 */
export async function requestDeviceAuthorization(
  options: Rfc8628Options & { now?: () => number },
): Promise<DeviceCode> {
  requireEndpoint(options.provider, 'deviceAuthorization');
  const { client, auth, options: call } = oidcCall(options.provider, options.fetch, options.signal);
  let answer: oauth.DeviceAuthorizationResponse;
  try {
    const response = await oauth.deviceAuthorizationRequest(
      options.provider.server,
      client,
      auth,
      { scope: options.provider.scope },
      call,
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
  const code: DeviceCode = {
    userCode: answer.user_code,
    verificationUrl: answer.verification_uri_complete ?? answer.verification_uri,
    intervalMs: clampInterval(answer.interval ?? 5),
    expiresAt: new Date((options.now ?? Date.now)() + answer.expires_in * 1000),
  };
  return sealDeviceCode(code, answer.device_code);
}

/**
 * One device-code grant poll, read into a step of the shared loop: tokens are `done`;
 * `authorization_pending` and `slow_down` are steps; `expired_token` ->
 * `CODEX_OAUTH_DEVICE_CODE_EXPIRED`; `access_denied` -> `CODEX_OAUTH_ACCESS_DENIED`; 5xx/429
 * transient; anything else what oauth4webapi said, as a codex-oauth error.
 */
export async function pollDeviceCodeOnce(
  options: Rfc8628Options & { deviceCode: DeviceCode },
): Promise<PollStep> {
  const deviceCode = deviceCodeSecret(options.deviceCode);
  if (!deviceCode) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceCodeGrant needs a DeviceCode from requestDeviceAuthorization.',
    );
  }
  const { provider } = options;
  const { client, auth, options: call } = oidcCall(provider, options.fetch, options.signal);
  try {
    const response = await oauth.deviceCodeGrantRequest(
      provider.server,
      client,
      auth,
      deviceCode,
      call,
    );
    const answer = await oauth.processDeviceCodeResponse(provider.server, client, response);
    return { kind: 'done', value: requireTokens(answer as unknown as Record<string, unknown>) };
  } catch (error) {
    if (!(error instanceof oauth.ResponseBodyError)) {
      throw fromOauth4webapi(error, ErrorCodes.TOKEN_EXCHANGE_FAILED, 'The device code grant');
    }
    if (error.error === 'authorization_pending') return { kind: 'pending' };
    if (error.error === 'slow_down') return { kind: 'slow_down' };
    const details = { status: error.status, error: error.error, cause: error };
    if (error.error === 'expired_token') {
      throw new CodexOAuthError(
        ErrorCodes.DEVICE_CODE_EXPIRED,
        'The device code expired before it was entered. Start the sign-in again.',
        details,
      );
    }
    if (error.error === 'access_denied') {
      throw new CodexOAuthError(
        ErrorCodes.ACCESS_DENIED,
        'The sign-in was denied at the device page. Start again if that was a mistake.',
        details,
      );
    }
    const failure = fromOauth4webapi(
      error,
      ErrorCodes.TOKEN_EXCHANGE_FAILED,
      'The device code grant',
    );
    if (error.status >= 500 || error.status === 429) {
      return { kind: 'transient', error: failure as CodexOAuthError };
    }
    throw failure;
  }
}

/** Options of {@link pollDeviceCodeGrant}. */
export interface PollRfc8628Options extends Rfc8628Options, PollTiming {
  deviceCode: DeviceCode;
}

/**
 * Polls the token endpoint with the device-code grant until the user approves, through the shared
 * poll loop (floor, deadline, transient budget, abort; `slow_down` adds 5 s).
 */
export async function pollDeviceCodeGrant(options: PollRfc8628Options): Promise<TokenSet> {
  const { deviceCode, signal, ...timing } = options;
  if (!deviceCodeSecret(deviceCode)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'pollDeviceCodeGrant needs a DeviceCode from requestDeviceAuthorization.',
    );
  }
  return (await pollUntilDone({
    ...timing,
    signal,
    intervalMs: deviceCode.intervalMs,
    slowDown: slowDownRfc8628,
    poll: () => pollDeviceCodeOnce(options),
  })) as TokenSet;
}
