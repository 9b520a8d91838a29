import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml, openaiError, page, sendHtml, sendJson } from './http-util.js';
import { recordIssuedSecret } from './secrets-log.js';
import type { DeviceCode, IssuerState } from './state.js';
import { randomHex, s256 } from './tokens.js';

/** A poll this much earlier than `interval` after the previous one still counts as on time. */
export const SLOW_DOWN_TOLERANCE_MS = 200;

/** Letters without look-alikes (no I, O), as user codes are read aloud and typed. */
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A user code shaped like the real ones: `ABCD-12345`. */
function newUserCode(): string {
  let letters = '';
  for (let i = 0; i < 4; i++) letters += LETTERS[randomInt(LETTERS.length)];
  return `${letters}-${String(randomInt(100000)).padStart(5, '0')}`;
}

/** Find a device code by its user code (case-insensitive, as a person types it). */
export function findByUserCode(state: IssuerState, userCode: string): DeviceCode | undefined {
  const wanted = userCode.trim().toUpperCase();
  for (const device of state.devices.values()) if (device.userCode === wanted) return device;
  return undefined;
}

/**
 * `POST /api/accounts/deviceauth/usercode`, JSON `{client_id}` -> `{device_auth_id, user_code,
 * interval, expires_at}`. 404 when device login is off, as for an account that has not enabled it.
 */
export function handleUserCode(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  const { settings } = state;
  if (!settings.deviceLogin) {
    sendJson(res, 404, openaiError('deviceauth_disabled', 'Device code login is not enabled.'));
    return;
  }
  if (params.client_id !== settings.clientId) {
    sendJson(res, 400, openaiError('invalid_client', 'Unknown client_id.'));
    return;
  }
  const now = settings.now();
  const device: DeviceCode = {
    // The shape of OpenAI's ids (`dac_` + 24 hex): short enough to slip past shape-based redaction.
    deviceAuthId: `dac_${randomHex(12)}`,
    userCode: newUserCode(),
    createdAt: now,
    expiresAt: now + settings.deviceTtlSeconds * 1000,
    status: 'pending',
    lastPollAt: null,
  };
  state.devices.set(device.deviceAuthId, device);
  recordIssuedSecret('device_auth_id', device.deviceAuthId);
  sendJson(res, 200, {
    device_auth_id: device.deviceAuthId,
    user_code: device.userCode,
    interval: settings.deviceInterval,
    expires_at: new Date(device.expiresAt).toISOString(),
  });
}

/**
 * `POST /api/accounts/deviceauth/token`, JSON `{device_auth_id, user_code}`. Answers (all errors
 * in the OpenAI envelope `{"error":{message,type,param,code}}`): 403 `deviceauth_authorization_pending`
 * while pending; 400 `slow_down` when polled sooner than `interval` after the previous poll;
 * 400 `expired_token` after the code's lifetime; 400 `access_denied` when denied; 400
 * `invalid_request` for an unknown or already used code; 200 `{authorization_code,
 * code_challenge, code_verifier}` once approved.
 */
export function handleDevicePoll(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  const { settings } = state;
  const device = state.devices.get(params.device_auth_id ?? '');
  if (!device || device.userCode !== params.user_code || device.status === 'consumed') {
    sendJson(res, 400, openaiError('invalid_request', 'Unknown or already used device code.'));
    return;
  }
  const now = settings.now();
  const previous = device.lastPollAt;
  device.lastPollAt = now;
  if (now >= device.expiresAt) {
    sendJson(res, 400, openaiError('expired_token', 'The device code has expired.'));
    return;
  }
  if (device.status === 'denied') {
    sendJson(res, 400, openaiError('access_denied', 'The user denied the request.'));
    return;
  }
  if (device.status === 'pending') {
    const intervalMs = Number(settings.deviceInterval) * 1000;
    if (previous !== null && now - previous < intervalMs - SLOW_DOWN_TOLERANCE_MS) {
      sendJson(res, 400, openaiError('slow_down', 'Polling too frequently. Slow down.'));
      return;
    }
    if (settings.deviceAutoApprove) device.status = 'approved';
  }
  if (device.status !== 'approved') {
    sendJson(
      res,
      403,
      openaiError('deviceauth_authorization_pending', 'Device authorization is pending.'),
    );
    return;
  }
  device.status = 'consumed';
  // The server makes the PKCE pair itself and binds the code to its own device callback URI.
  const verifier = randomBytes(64).toString('base64url');
  const challenge = s256(verifier);
  const code = state.issueCode({
    clientId: settings.clientId,
    redirectUri: `${settings.issuer}/deviceauth/callback`,
    challenge,
    via: 'device',
  });
  recordIssuedSecret('device_code_verifier', verifier);
  recordIssuedSecret('authorization_code', code);
  sendJson(res, 200, {
    authorization_code: code,
    code_challenge: challenge,
    code_verifier: verifier,
  });
}

const FORM = `<form method="post" action="/codex/device"><label>Code <input name="user_code" autocomplete="off" placeholder="ABCD-12345"></label> <button name="action" value="approve">Continue</button> <button name="action" value="deny">Deny</button></form>`;

/**
 * `GET /codex/device` shows a form; `POST /codex/device` (form `user_code`, `action=approve|deny`)
 * approves or denies that code, so a browser test can play the person.
 */
export function handleDevicePage(
  state: IssuerState,
  method: string,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  if (method !== 'POST') {
    sendHtml(res, 200, page('Enter your one-time code', FORM));
    return;
  }
  const device = findByUserCode(state, params.user_code ?? '');
  if (device?.status !== 'pending' || state.settings.now() >= device.expiresAt) {
    const shown = escapeHtml(params.user_code ?? '');
    sendHtml(
      res,
      400,
      page('Invalid code', `<p id="error">Unknown or expired code: ${shown}</p>${FORM}`),
    );
    return;
  }
  const deny = params.action === 'deny';
  device.status = deny ? 'denied' : 'approved';
  const title = deny ? 'Sign-in denied' : 'Device approved';
  sendHtml(res, 200, page(title, '<p id="result">You may return to your terminal.</p>'));
}
