import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';

/** The Redis names one record uses. */
export interface RedisKeys {
  /** The record itself: exactly the `key` the host chose, so `redis-cli GET key` finds it. */
  readonly record: string;
  /** The refresh lock, in the record's hash slot. */
  readonly lock: string;
  /** The pub/sub channel for changes and lock releases (channels have no slot). */
  readonly channel: string;
  /** Where `quarantine` moves unreadable data, in the record's hash slot. */
  aside(stamp: string): string;
}

/**
 * Derives the lock key and channel from the record key so that both keys hash to one Redis
 * Cluster slot (a script may only touch keys of one slot). A key without a hash tag is hashed
 * whole, so `{key}:lock` lands in the same slot; a key that already has a tag keeps it first.
 */
export function redisKeys(key: string): RedisKeys {
  if (typeof key !== 'string' || key === '') {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      "redisStore needs a non-empty `key` naming the record, e.g. 'codex-oauth:user:42'.",
    );
  }
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const tagged = close > open + 1;
  if (open >= 0 && !tagged) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `The Redis key ${JSON.stringify(key)} has a "{" but no hash tag: use a key without braces, ` +
        "or one with a non-empty tag such as 'codex-oauth:{user:42}'.",
    );
  }
  const inSlot = (suffix: string) => (tagged ? `${key}${suffix}` : `{${key}}${suffix}`);
  return {
    record: key,
    lock: inSlot(':lock'),
    channel: `${key}:changes`,
    aside: (stamp) => inSlot(`.bak-${stamp}`),
  };
}
