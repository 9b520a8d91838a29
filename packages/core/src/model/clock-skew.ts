import type { AuthRecord } from './auth-record.js';
import { decodeJwtPayload } from './claims.js';

/** Offsets smaller than this are ordinary (network time, a slow save) and not reported. */
export const CLOCK_SKEW_THRESHOLD_MS = 5 * 60_000;

/** Every clock-skew warning starts with this, so a caller can pick it out of `warnings`. */
export const CLOCK_SKEW_PREFIX = 'Clock skew:';

/**
 * How far the issuer's clock is ahead of this machine's (negative: behind), read from the stored
 * record: the access token's `iat` is the issuer's "now" when it minted the token, and
 * `last_refresh` is this machine's "now" when it saved it a moment later. `null` when either is
 * missing or unreadable.
 */
export function clockSkewMs(record: AuthRecord | null): number | null {
  if (record?.tokens == null || record.lastRefresh === null) return null;
  const saved = Date.parse(record.lastRefresh);
  let iat: unknown;
  try {
    iat = decodeJwtPayload(record.tokens.accessToken).iat;
  } catch {
    return null;
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat) || Number.isNaN(saved)) return null;
  return iat * 1000 - saved;
}

/**
 * A warning naming the offset when it is {@link CLOCK_SKEW_THRESHOLD_MS} or more, else `null`.
 * A token that arrives already expired by our clock is refreshed at most once per call rather
 * than in a loop; this says why it looks expired.
 */
export function clockSkewWarning(record: AuthRecord | null): string | null {
  const skew = clockSkewMs(record);
  if (skew === null || Math.abs(skew) < CLOCK_SKEW_THRESHOLD_MS) return null;
  const direction = skew > 0 ? 'ahead of' : 'behind';
  return `${CLOCK_SKEW_PREFIX} the issuer's clock is ${formatOffset(Math.abs(skew))} ${direction} this machine's (the access token was issued at ${new Date(Date.parse(record?.lastRefresh ?? '') + skew).toISOString()}, saved at ${record?.lastRefresh}). Fresh tokens may look expired or not yet valid; set this machine's clock (NTP). Until then each use refreshes at most once.`;
}

/** `2 h 5 min`, `12 min`, `40 s`. */
function formatOffset(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
