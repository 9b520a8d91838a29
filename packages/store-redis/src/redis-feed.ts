import type { RedisClientLike } from './redis-client.js';

/**
 * The record's pub/sub channel, on one dedicated connection (a subscribed connection can run no
 * other command): changes made by other instances for `watch`, and lock releases that wake a
 * waiter at once. Made on first use, so a store nobody watches and that never waits opens none.
 */
export class ChangeFeed {
  readonly #source: () => Promise<RedisClientLike>;
  readonly #channel: string;
  readonly #instance: string;
  readonly #watchers = new Set<() => void>();
  readonly #wakers = new Set<() => void>();
  #subscriber: RedisClientLike | undefined;
  #subscribed: Promise<void> | undefined;
  /** Bumped by close, so a subscription still opening then is dropped. */
  #generation = 0;

  constructor(source: () => Promise<RedisClientLike>, channel: string, instance: string) {
    this.#source = source;
    this.#channel = channel;
    this.#instance = instance;
  }

  /** Resolves once subscribed; a failed attempt is forgotten so the next call tries again. */
  subscribe(): Promise<void> {
    this.#subscribed ??= this.#open().catch((error: unknown) => {
      this.#subscribed = undefined;
      throw error;
    });
    return this.#subscribed;
  }

  async #open(): Promise<void> {
    const generation = this.#generation;
    const subscriber = (await this.#source()).duplicate();
    this.#subscriber = subscriber;
    subscriber.on('error', () => {}); // ours alone; a lost connection is retried by node-redis
    // Messages sent while we were disconnected are lost (pub/sub keeps none): after a reconnect,
    // tell watchers to read again, and waiters to try the lock again.
    let first = true;
    subscriber.on('ready', () => {
      if (first) first = false;
      else this.#notify(['change', 'unlock']);
    });
    await subscriber.connect();
    if (generation !== this.#generation) {
      subscriber.destroy();
      return;
    }
    await subscriber.subscribe(this.#channel, (message: string) => {
      const [event, from] = String(message).split(' ');
      if (event === 'unlock') this.#notify(['unlock']);
      // Our own writes are already known to core; only other instances' changes are news.
      else if (from !== this.#instance) this.#notify(['change']);
    });
  }

  #notify(kinds: ('change' | 'unlock')[]): void {
    if (kinds.includes('unlock')) for (const wake of [...this.#wakers]) wake();
    if (kinds.includes('change')) {
      for (const watcher of [...this.#watchers]) {
        try {
          watcher();
        } catch {}
      }
    }
  }

  /** Calls `onChange` when another instance changes the record; returns the unsubscribe function. */
  watch(onChange: () => void): () => void {
    this.#watchers.add(onChange);
    this.subscribe().catch(() => {}); // Redis down: node-redis keeps trying; watch stays silent until then
    return () => {
      this.#watchers.delete(onChange);
    };
  }

  /** Resolves after `ms`, or sooner when the lock is released (or the feed reconnects). */
  waitForUnlock(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  /** Closes the subscriber connection and drops watchers; waiters wake. Usable again after. */
  async close(): Promise<void> {
    this.#generation += 1;
    this.#subscribed = undefined;
    this.#watchers.clear();
    this.#notify(['unlock']);
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    // A graceful close only when connected; one still (re)connecting is dropped at once.
    if (subscriber?.isReady) await subscriber.close().catch(() => subscriber.destroy());
    else if (subscriber?.isOpen) subscriber.destroy();
  }
}
