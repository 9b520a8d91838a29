import { randomBytes } from 'node:crypto';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';
import type { RedisConnection } from './redis-connection.js';
import type { ChangeFeed } from './redis-feed.js';
import type { RedisKeys } from './redis-keys.js';
import { runScript } from './redis-scripts.js';

/** Settings of the distributed refresh lock. */
export interface LeaseSettings {
  /** How long the lock outlives a holder that stopped renewing it (died, or lost Redis). */
  leaseMs: number;
  /** Longest wait for the lock before `CODEX_OAUTH_LOCK_TIMEOUT`. */
  timeoutMs: number;
}

// Between wake-ups by pub/sub, a waiter looks again after a backoff that starts short (a refresh
// takes a few hundred milliseconds) and stays bounded, in case a release message was lost.
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/**
 * A lease lock on `keys.lock`: taken with a random token (`SET NX PX`), renewed every third of
 * the lease while `fn` runs, released by compare-and-delete so only its owner frees it. A holder
 * that dies stops renewing and the lease expires; waiters sleep until the lease's end or a
 * release message, whichever comes first, so they neither miss a free lock nor poll Redis hard.
 */
export function leaseLock(
  connection: RedisConnection,
  feed: ChangeFeed,
  keys: RedisKeys,
  instance: string,
  settings: LeaseSettings,
): <T>(fn: () => Promise<T>) => Promise<T> {
  const lease = String(settings.leaseMs);

  const acquire = async (token: string): Promise<void> => {
    const deadline = Date.now() + settings.timeoutMs;
    let poll = FIRST_POLL_MS;
    let subscribed = false;
    for (;;) {
      const holderTtl = await connection.run('taking the refresh lock of', (client) =>
        runScript(client, 'acquire', [keys.lock], [token, lease]),
      );
      if (holderTtl === -1) return;
      if (!subscribed) {
        // Subscribe, then try again at once: a release between our first try and the
        // subscription would otherwise go unheard until the next poll.
        subscribed = true;
        await Promise.race([feed.subscribe().catch(() => {}), feedGrace()]);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeout(keys.record, settings.timeoutMs);
      // PTTL is when a dead holder's lease ends; -1 (no expiry, set by someone else) polls.
      const untilExpiry = holderTtl > 0 ? holderTtl + 5 : poll;
      await feed.waitForUnlock(Math.min(untilExpiry, poll, left));
      poll = Math.min(poll * 2, MAX_POLL_MS);
    }
  };

  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = randomBytes(16).toString('hex');
    await acquire(token);
    const renew = setInterval(
      () => {
        // A failed renewal is not fatal: the next one may pass, and if the lease runs out the
        // compare-and-swap on save still stops this holder from overwriting newer tokens.
        connection
          .client()
          .then((client) => runScript(client, 'renew', [keys.lock], [token, lease]))
          .catch(() => {});
      },
      Math.max(Math.floor(settings.leaseMs / 3), 10),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      // Best effort, without waiting for a reconnect: if Redis is gone now, the lease frees the
      // lock by itself, and the caller gets its result without delay.
      await connection
        .client()
        .then((client) =>
          client.isReady
            ? runScript(client, 'release', [keys.lock], [token, keys.channel, instance])
            : 0,
        )
        .catch(() => {});
    }
  };
}

function feedGrace(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500).unref());
}

function lockTimeout(key: string, timeoutMs: number): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.LOCK_TIMEOUT,
    `The refresh lock of the Redis key ${JSON.stringify(key)} was still held by another instance ` +
      `after ${timeoutMs} ms. Its refresh may be stuck on a slow issuer; retry, or raise ` +
      '`lockTimeoutMs`.',
  );
}
