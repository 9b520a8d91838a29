/**
 * A device code the user must enter. The secret that polls it (OpenAI's `device_auth_id`, RFC
 * 8628's `device_code`) is held in a module-private map, so the object can be logged, inspected
 * or serialised without leaking it.
 */
export interface DeviceCode {
  /** The code to type at {@link DeviceCode.verificationUrl}, e.g. `ABCD-12345`. */
  readonly userCode: string;
  /** Where to type it: `{issuer}/codex/device`, or the issuer's verification URI. */
  readonly verificationUrl: string;
  /** Delay between polls, in ms (already clamped, see `clampInterval`). */
  readonly intervalMs: number;
  /** When the code stops working (the server's expiry, else 15 minutes from now). */
  readonly expiresAt: Date;
}

const secrets = new WeakMap<DeviceCode, string>();

/** Freezes `code` and keeps `secret` for it, out of sight. */
export function sealDeviceCode(code: DeviceCode, secret: string): DeviceCode {
  const sealed = Object.freeze({ ...code });
  secrets.set(sealed, secret);
  return sealed;
}

/** The secret of a code made by {@link sealDeviceCode}, or undefined for any other object. */
export function deviceCodeSecret(code: DeviceCode): string | undefined {
  return secrets.get(code);
}

/** The shortest pause between polls: an interval of `"0"` or `0.001` must not flood the issuer. */
export const MIN_POLL_INTERVAL_MS = 1_000;
/** The longest pause between polls: a huge interval must not outlast the sign-in. */
export const MAX_POLL_INTERVAL_MS = 60_000;

/**
 * The server's interval in ms, within [{@link MIN_POLL_INTERVAL_MS}, {@link MAX_POLL_INTERVAL_MS}].
 * Upstream polls without pause for an interval of 0; we take a floor of one second instead
 * (RFC 8628 §3.5 asks clients not to poll faster than the interval, and 0 is no interval).
 */
export function clampInterval(seconds: number): number {
  const ms = Number.isFinite(seconds) ? seconds * 1000 : MIN_POLL_INTERVAL_MS;
  return Math.round(Math.min(Math.max(ms, MIN_POLL_INTERVAL_MS), MAX_POLL_INTERVAL_MS));
}
