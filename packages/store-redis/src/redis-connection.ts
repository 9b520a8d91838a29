import { setTimeout as sleep } from 'node:timers/promises';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';
import type { RedisClientLike } from './redis-client.js';

/** How the store reaches Redis: the client (made on demand for a URL) and what to call it. */
export interface ConnectionOptions {
  /** The host's client, or a maker of the store's own one (`redisStore({ url })`). */
  client: RedisClientLike | (() => Promise<RedisClientLike>);
  /** The record key, for messages. */
  key: string;
  /** Where the client connects, password redacted, for messages. */
  location: () => string;
  /** How long a call waits for Redis to be reachable before failing. */
  unavailableTimeoutMs: number;
}

/** Replies that mean "ask again shortly", not "this cannot work". */
const TRANSIENT = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/;

/** Runs Redis commands with one failure policy: wait for readiness, retry what is safe, type the rest. */
export class RedisConnection {
  readonly #options: ConnectionOptions;
  #own: Promise<RedisClientLike> | undefined;
  #lastError: unknown;

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** The client; the store's own one is made and connected on first use (again after close). */
  async client(): Promise<RedisClientLike> {
    const make = this.#options.client;
    if (typeof make !== 'function') return make;
    this.#own ??= make().then((client) => {
      // Its only listener: remembers why it cannot connect, for messages.
      client.on('error', (error) => {
        this.#lastError = error;
      });
      // connect() keeps retrying in the background until Redis answers; calls wait for isReady.
      client.connect().catch((error: unknown) => {
        this.#lastError = error;
      });
      return client;
    });
    try {
      return await this.#own;
    } catch (error) {
      this.#own = undefined;
      throw error;
    }
  }

  /** Closes the store's own client (the next call opens a new one); a host's client stays open. */
  async close(): Promise<void> {
    const own = this.#own;
    this.#own = undefined;
    const client = await own?.catch(() => undefined);
    if (client?.isReady) await client.close().catch(() => client.destroy());
    else if (client?.isOpen) client.destroy();
  }

  /**
   * Runs `op` once Redis is ready. A lost connection or timeout becomes
   * `CODEX_OAUTH_STORE_UNAVAILABLE`; with `retry` (for operations that are safe to repeat), `op`
   * runs again after a reconnect until the time is up, so a restart does not lose a save.
   */
  async run<T>(
    what: string,
    op: (client: RedisClientLike, attempt: number) => Promise<T>,
    retry = false,
  ): Promise<T> {
    // The deadline starts once the client exists: loading node-redis is not Redis being away.
    await this.client();
    const deadline = Date.now() + this.#options.unavailableTimeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.#ready(what, deadline);
      try {
        return await op(client, attempt);
      } catch (error) {
        const reply = replyCode(error);
        if (reply !== null && !TRANSIENT.test(reply)) throw this.#refused(what, reply, error);
        if (!retry || Date.now() >= deadline) throw this.unavailable(what, error);
        await sleep(50);
      }
    }
  }

  async #ready(what: string, deadline: number): Promise<RedisClientLike> {
    const client = await this.client();
    // Polling a local flag costs Redis nothing; node-redis reconnects on its own meanwhile.
    while (!client.isReady) {
      if (Date.now() >= deadline) throw this.unavailable(what, this.#lastError);
      await sleep(25);
    }
    return client;
  }

  /** The typed error for Redis being unreachable; names the place, never a password. */
  unavailable(what: string, cause: unknown): CodexOAuthError {
    return new CodexOAuthError(
      ErrorCodes.STORE_UNAVAILABLE,
      `Redis at ${this.#options.location()} could not be reached (${reasonOf(cause)}) while ` +
        `${what} ${JSON.stringify(this.#options.key)}. Check that the server is running and ` +
        'reachable from here, and the URL, password and TLS (rediss://) settings; the stored ' +
        'record is unchanged or fully replaced, never half-written. Retry once Redis is back.',
      { cause },
    );
  }

  #refused(what: string, reply: string, cause: unknown): CodexOAuthError {
    if (reply === 'WRONGTYPE') {
      return new CodexOAuthError(
        ErrorCodes.STORE_CORRUPT,
        `The Redis key ${JSON.stringify(this.#options.key)} at ${this.#options.location()} holds ` +
          'something other than a string, so it is not a codex-oauth record. Choose another key, ' +
          'or delete that one if nothing else uses it.',
        { cause },
      );
    }
    return new CodexOAuthError(
      ErrorCodes.STORE_UNAVAILABLE,
      `Redis at ${this.#options.location()} refused the command (${reply}) while ${what} ` +
        `${JSON.stringify(this.#options.key)}. Check the user's permissions (ACL), that this is ` +
        'a primary and not a read-only replica, and the server memory limit.',
      { cause },
    );
  }
}

/** The error code of a Redis error reply (`NOSCRIPT`, `WRONGTYPE`…), or null for other errors. */
function replyCode(error: unknown): string | null {
  // node-redis' ErrorReply classes; matched by name, so any copy of the client is recognised.
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (name !== 'ErrorReply' && name !== 'SimpleError' && name !== 'BlobError') return null;
  return /^[A-Z][A-Z_-]*/.exec(String((error as Error).message))?.[0] ?? 'ERR';
}

function reasonOf(cause: unknown): string {
  if (cause === undefined) return 'not connected';
  const code = (cause as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  const reply = replyCode(cause);
  if (reply !== null) return reply;
  const name = (cause as Error)?.constructor?.name;
  return name && name !== 'Error' ? name : 'connection failed';
}
