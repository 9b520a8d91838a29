import {
  CodexOAuthError,
  defineTokenStore,
  ErrorCodes,
  type TokenStore,
  type TokenStoreDescription,
  type TokenStoreListener,
} from '@codex-oauth/core/model';
import {
  createOwnClient,
  type RedisClientLike,
  type RedisClientOptions,
  redactUrl,
} from './redis-client.js';
import { redisDriver } from './redis-driver.js';

/** Options of {@link redisStore}: `key`, and either `client` or `url`. */
export interface RedisStoreOptions {
  /**
   * The Redis key of this record, one per signed-in user: `'codex-oauth:user:42'`. The lock
   * (`{key}:lock`) shares its Cluster hash slot; a key may carry its own tag (`'app:{user:42}'`).
   */
  key: string;
  /**
   * A node-redis client the host already owns (`createClient()` or `createCluster()`, connected
   * or connecting). The store never closes it; `dispose` closes only its pub/sub connection.
   */
  client?: RedisClientLike;
  /**
   * `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS) or `unix://…`: the store makes
   * its own client from the `redis` package, connects on first use, and closes it on `dispose`.
   */
  url?: string;
  /**
   * More `createClient` options for the store's own client (with `url`), e.g.
   * `{ socket: { ca: readFileSync('ca.pem') } }` for a private CA on `rediss://`.
   */
  clientOptions?: RedisClientOptions;
  /** How long the refresh lock outlives a holder that stopped renewing it (died). Default 30 000 ms. */
  leaseMs?: number;
  /** Longest wait for the refresh lock before `CODEX_OAUTH_LOCK_TIMEOUT`. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /**
   * How long a call waits for Redis to be reachable (a save waits through a restart this long)
   * before `CODEX_OAUTH_STORE_UNAVAILABLE`. Default 5 000 ms.
   */
  unavailableTimeoutMs?: number;
}

/** A {@link TokenStore} on one Redis key, with the members every Redis store has. */
export interface RedisStore extends TokenStore {
  readonly kind: 'redis';
  /** The record's key. */
  readonly key: string;
  /** Runs `fn` holding the key's distributed refresh lock (every instance respects it). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls `listener` after every change made by any instance; returns the unsubscribe function. */
  watch(listener: TokenStoreListener): () => void;
  describe(): TokenStoreDescription;
  /**
   * Renames unreadable data to `<key>.bak-<UTC time>` (in the key's hash slot) and returns the
   * new key, or `null` when nothing is stored: `login({ forceNew: true })` then signs in afresh.
   */
  quarantine(): Promise<string | null>;
  /**
   * Closes the store's connections: its pub/sub connection, and the client it made from `url`.
   * `logout` calls it. The store stays usable: a later call connects again.
   */
  dispose(): Promise<void>;
}

/**
 * Keeps one sign-in in Redis (or Valkey) for a fleet of host instances: a compare-and-swap on the
 * server so two instances never both win, a distributed refresh lock so the fleet refreshes once,
 * and `watch` across instances through pub/sub.
 *
 * @example
 * ```ts
 * import { getAccessToken } from '@codex-oauth/core/model';
 * import { redisStore } from '@codex-oauth/store-redis';
 *
 * const store = redisStore({ url: process.env.REDIS_URL, key: `codex-oauth:user:${userId}` });
 * const { accessToken } = await getAccessToken({ store }); // refreshed once across the fleet
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const { client, url, clientOptions } = options;
  if ((client === undefined) === (url === undefined || url === '')) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'redisStore needs either `client` (a node-redis client you own) or `url` ' +
        '(redis://host:port, rediss:// for TLS), not both and not neither.',
    );
  }
  if (url !== undefined && !/^(rediss?|unix):\/\//.test(url)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `The Redis URL ${redactUrl(url)} is not redis://, rediss:// (TLS) or unix://.`,
    );
  }
  const driver = redisDriver({
    client: client ?? (() => createOwnClient(url as string, clientOptions)),
    ...(url !== undefined && { url }),
    key: options.key,
    leaseMs: positive(options.leaseMs, 30_000, 'leaseMs'),
    lockTimeoutMs: positive(options.lockTimeoutMs, 60_000, 'lockTimeoutMs'),
    unavailableTimeoutMs: positive(options.unavailableTimeoutMs, 5_000, 'unavailableTimeoutMs'),
  });
  const store = defineTokenStore(driver) as RedisStore;
  return Object.assign(store, {
    key: options.key,
    quarantine: () => driver.quarantine(),
    dispose: () => driver.close(),
  });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `redisStore ${name} must be a positive number of milliseconds.`,
    );
  }
  return value;
}
