import { randomBytes } from 'node:crypto';
import type { TokenStoreDriver } from '@codex-oauth/core/model';
import { clientLocation, type RedisClientLike, redactUrl } from './redis-client.js';
import { RedisConnection } from './redis-connection.js';
import { ChangeFeed } from './redis-feed.js';
import { redisKeys } from './redis-keys.js';
import { leaseLock } from './redis-lock.js';
import { runScript } from './redis-scripts.js';

/** What {@link redisDriver} needs; `redisStore` fills in the defaults. */
export interface RedisDriverOptions {
  /** The host's client, or a maker of the store's own one (made on first use, closed by `close`). */
  client: RedisClientLike | (() => Promise<RedisClientLike>);
  /** The URL the store's own client uses, for messages (password redacted). */
  url?: string;
  key: string;
  leaseMs: number;
  lockTimeoutMs: number;
  unavailableTimeoutMs: number;
}

/** The Redis driver: the `TokenStoreDriver` contract plus `close`. */
export interface RedisDriver extends TokenStoreDriver {
  /**
   * Closes the subscriber connection, and the client when the store made it; a later call opens
   * new ones, so a store stays usable after `logout` disposed it.
   */
  close(): Promise<void>;
  /** Moves what is stored to `<key>.bak-<UTC time>` and returns that key, or null when empty. */
  quarantine(): Promise<string | null>;
}

/**
 * Keeps one record string at `key`, with every change done by a Lua script on the server: the
 * compare-and-swap cannot interleave with another instance's, and each change is published on
 * the key's channel in the same atomic step.
 */
export function redisDriver(options: RedisDriverOptions): RedisDriver {
  const keys = redisKeys(options.key);
  // Tells this instance's messages apart from other instances' (several may share a process).
  const instance = randomBytes(8).toString('hex');
  const given = options.client;
  const location =
    typeof given === 'function'
      ? options.url
        ? redactUrl(options.url)
        : 'redis'
      : clientLocation(given, options.url);
  const connection = new RedisConnection({
    client: given,
    key: keys.record,
    location: () => location,
    unavailableTimeoutMs: options.unavailableTimeoutMs,
  });
  const feed = new ChangeFeed(() => connection.client(), keys.channel, instance);
  const settings = { leaseMs: options.leaseMs, timeoutMs: options.lockTimeoutMs };

  return {
    kind: 'redis',
    capabilities: { persistent: true, crossProcessLock: true },

    read() {
      return connection.run(
        'reading',
        async (client) => {
          const value = await client.get(keys.record);
          return value == null ? null : String(value);
        },
        true,
      );
    },

    async write(value, expected) {
      const mode = expected === undefined ? 'any' : expected === null ? 'absent' : 'equals';
      const stored = await connection.run(
        'saving',
        (client, attempt) =>
          runScript(
            client,
            'write',
            [keys.record],
            [value, mode, expected ?? '', keys.channel, instance, attempt > 0 ? '1' : '0'],
          ),
        true,
      );
      return stored === 1;
    },

    async remove() {
      const removed = await connection.run(
        'removing',
        (client) => runScript(client, 'remove', [keys.record], [keys.channel, instance]),
        true,
      );
      return removed === 1;
    },

    async quarantine() {
      const aside = keys.aside(new Date().toISOString().replace(/[-:.]/g, ''));
      const moved = await connection.run('moving aside', (client) =>
        runScript(client, 'quarantine', [keys.record, aside], [keys.channel, instance]),
      );
      return moved === 1 ? aside : null;
    },

    lock: leaseLock(connection, feed, keys, instance, settings),

    watch: (onChange) => feed.watch(onChange),

    describe() {
      return { location: `${location} key ${keys.record}`, warnings: plainTextWarning(location) };
    },

    async close() {
      await feed.close();
      await connection.close();
    },
  };
}

/** A warning when tokens would cross a network unencrypted: `redis://` to a host not on loopback. */
function plainTextWarning(location: string): string[] {
  const match = /^redis:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(location);
  const host = match?.[1];
  if (host === undefined || /^(127\.|localhost$|\[::1\]$)/.test(host)) return [];
  return [
    `The Redis connection to ${host} is not encrypted, so tokens cross the network in clear: ` +
      'use rediss:// (TLS) unless that network is private to this host.',
  ];
}
