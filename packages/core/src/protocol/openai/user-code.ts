import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import {
  describeOAuthError,
  readJson,
  readOAuthError,
  readText,
  refusalDetails,
} from '../../transport/answer.js';
import { postJson } from '../../transport/request.js';
import { clampInterval, type DeviceCode, sealDeviceCode } from '../device-code.js';
import { DEVICE_LOGIN_TIMEOUT_MS } from '../device-poll.js';
import type { OpenAIDeviceOptions } from './device-flow.js';
import type { OpenAIProfile } from './provider-openai.js';

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
 * `CODEX_OAUTH_DEVICE_LOGIN_DISABLED` (the strategy then checks that the server is an issuer at
 * all). Accepts `user_code` or `usercode`, `interval` as a string ("5") or a number, clamped to
 * 1–60 s (a missing one is 5 s, RFC 8628's default, rather than upstream's 0); an `expires_at` that
 * does not parse or is already past is ignored (15 minutes), since it cannot be a real expiry.
 */
export async function processUserCodeResponse(
  response: Response,
  provider: OpenAIProfile,
  now: () => number = Date.now,
): Promise<DeviceCode> {
  if (response.status === 404) {
    await readText(response).catch(() => '');
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
      refusalDetails(details),
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
  const expires = parseExpiresAt(json.expires_at);
  const code: DeviceCode = {
    userCode,
    verificationUrl: provider.endpoints.deviceVerification,
    intervalMs: clampInterval(interval),
    expiresAt: new Date(
      expires !== undefined && expires > now() ? expires : now() + DEVICE_LOGIN_TIMEOUT_MS,
    ),
  };
  return sealDeviceCode(code, deviceAuthId);
}

/** Requests a device code (request + answer in one call). */
export async function requestUserCode(options: OpenAIDeviceOptions): Promise<DeviceCode> {
  return processUserCodeResponse(await userCodeRequest(options), options.provider);
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
