/**
 * The state of one browser sign-in's callback server, as a small machine:
 *
 * ```
 * waiting ──callback──▶ exchanging ──code exchanged──▶ succeeded ──/success or grace──▶ (closed)
 *    │                      │
 *    └──cancel/abort/timeout/close──┴──▶ ended (result rejected, port freed)
 * ```
 *
 * Only the transitions below change it, so a late exchange, a second callback or a cancel during
 * the exchange can never resolve the result twice or resolve it after it was rejected.
 */
export type Phase = 'waiting' | 'exchanging' | 'succeeded' | 'ended';

/** The machine: its phase, its one result, and what to stop when it ends. */
export class LoginState<T> {
  #phase: Phase = 'waiting';
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  /** Settles once: the exchanged value, or the error that ended the sign-in. Never unhandled. */
  readonly result: Promise<T>;
  /** Aborted when the sign-in ends another way while a code is being exchanged. */
  readonly exchange = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];

  constructor() {
    this.result = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.result.catch(() => {}); // awaiters still see the rejection; nobody else gets an unhandled one
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Still open to a callback, or in the middle of one. */
  get pending(): boolean {
    return this.#phase === 'waiting' || this.#phase === 'exchanging';
  }

  /** waiting -> exchanging, for the first callback with the right state. False if not waiting. */
  beginExchange(): boolean {
    if (this.#phase !== 'waiting') return false;
    this.#phase = 'exchanging';
    this.clearTimers();
    return true;
  }

  /**
   * exchanging -> succeeded at once; the result resolves once `delivered` (the redirect to
   * `/success`) is sent. False when the sign-in ended meanwhile (the value is dropped).
   */
  async succeed(value: T, delivered?: Promise<void>): Promise<boolean> {
    if (this.#phase !== 'exchanging') return false;
    this.#phase = 'succeeded';
    await delivered;
    this.#resolve(value);
    return true;
  }

  /**
   * waiting|exchanging -> ended at once; the result rejects with `error` once `page` (the error
   * page, if any) has reached the browser. False when it already ended or succeeded.
   */
  async fail(error: unknown, page?: Promise<void>): Promise<boolean> {
    if (!this.pending) return false;
    this.#phase = 'ended';
    this.clearTimers();
    await page;
    this.#reject(error);
    this.exchange.abort(error);
    return true;
  }

  /** Runs `fn` after `ms` unless the sign-in has left the waiting phase (or ended) by then. */
  schedule(ms: number, fn: () => void, { unref = false } = {}): NodeJS.Timeout {
    const timer = setTimeout(fn, ms);
    if (unref) timer.unref();
    this.#timers.push(timer);
    return timer;
  }

  clearTimers(): void {
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
  }
}
