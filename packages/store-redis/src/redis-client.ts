import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';

/** Arguments of `EVAL`/`EVALSHA` as node-redis takes them. */
export interface ScriptArguments {
  keys: string[];
  arguments: string[];
}

/**
 * The part of a node-redis (`redis` 5 or 6) client the store uses. A `createClient()` or a
 * `createCluster()` client fits; typed structurally so the store needs no runtime import of the
 * client for a host that passes its own.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  get(key: string): Promise<unknown>;
  eval(script: string, options: ScriptArguments): Promise<unknown>;
  evalSha(sha1: string, options: ScriptArguments): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  duplicate(): RedisClientLike;
  close(): Promise<unknown>;
  destroy(): unknown;
  /** `error` (with the error) and `ready` events. */
  on(event: 'error' | 'ready', listener: (error: Error) => void): unknown;
}

/** Options node-redis' `createClient` accepts besides `url` (TLS `socket` settings, `password`…). */
export type RedisClientOptions = Record<string, unknown>;

/**
 * Builds the store's own client for `redisStore({ url })` from the `redis` peer dependency, not
 * yet connected. It answers with an error when Redis is down instead of queueing commands, so a
 * call fails fast with `CODEX_OAUTH_STORE_UNAVAILABLE`; it keeps reconnecting in the background.
 */
export async function createOwnClient(
  url: string,
  options: RedisClientOptions = {},
): Promise<RedisClientLike> {
  let redis: { createClient(options: Record<string, unknown>): unknown };
  try {
    redis = (await import('redis')) as never;
  } catch (cause) {
    throw new CodexOAuthError(
      ErrorCodes.STORE_MISSING,
      'redisStore({ url }) needs the `redis` package (node-redis), which is not installed. ' +
        'Run: npm install redis (or pass your own `client`).',
      { cause },
    );
  }
  const client = redis.createClient({
    disableOfflineQueue: true,
    ...options,
    socket: {
      // node-redis backs off to 2 s; a store waiting for Redis to return wants it back sooner.
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** retries, 500) + Math.floor(Math.random() * 50),
      ...(options.socket as Record<string, unknown> | undefined),
    },
    url,
  }) as RedisClientLike;
  // node-redis throws an `error` event without a listener; the store reports failures itself,
  // per call, as typed errors.
  client.on('error', () => {});
  return client;
}

/**
 * Where the client connects, for messages and `status()`, with any password replaced by `***`.
 * Falls back to `redis` when the client does not say (a cluster, or a host's own socket).
 */
export function clientLocation(client: RedisClientLike, url: string | undefined): string {
  const options = (client as { options?: { url?: string; socket?: Record<string, unknown> } })
    .options;
  const given = url ?? options?.url;
  if (given) return redactUrl(given);
  const socket = options?.socket;
  if (typeof socket?.path === 'string') return `unix://${socket.path}`;
  if (socket?.host !== undefined || socket?.port !== undefined) {
    const scheme = socket.tls ? 'rediss' : 'redis';
    return `${scheme}://${String(socket.host ?? 'localhost')}:${String(socket.port ?? 6379)}`;
  }
  return 'redis';
}

/** A Redis URL without its password (the user name stays: it helps, and is not a secret). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not a URL we can parse: show nothing of it, it may hold a password.
    return 'an unparsable Redis URL';
  }
}
