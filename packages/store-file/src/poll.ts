import { setTimeout as sleep } from 'node:timers/promises';
import { busyError, timeoutError } from './lock-error.js';

/** How a caller wants to wait for a lock; shared by both backends. */
export interface WaitOptions {
  /** Wait until the lock is free (default). `false`: fail at once with `CODEX_OAUTH_LOCK_BUSY`. */
  wait?: boolean;
  /** Give up after this many milliseconds with `CODEX_OAUTH_LOCK_TIMEOUT`. Default: no limit. */
  timeoutMs?: number;
  /** Stop waiting when aborted; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Longest pause between two attempts, in milliseconds. Default 10: a freed lock is taken within
   * about that. A caller woken by something else (a change notification) can afford a longer one
   * and spends fewer attempts on a long wait.
   */
  maxDelayMs?: number;
}

// The first retry comes quickly (a Codex write holds its lock for about a millisecond); the cap
// bounds how long a freed lock can sit unclaimed, which is all polling costs against a blocking
// waiter: 10 ms, so a waiter wakes within about that of a release (an attempt is one flock
// call on a descriptor already open). Jitter keeps several of our processes from retrying in step.
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 10;

/**
 * Calls `attempt` until it yields a value, sleeping with exponential backoff in between.
 *
 * Waiting is a timer, never a parked thread: the event loop keeps running, cancellation is
 * immediate, and no libuv pool thread is held (the pool has four, and the lock holder in this
 * very process may need one to write the file the lock guards).
 */
export async function pollForLock<T>(
  path: string,
  attempt: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const { wait = true, timeoutMs, signal, maxDelayMs = MAX_DELAY_MS } = options;
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    signal?.throwIfAborted();
    const taken = await attempt();
    if (taken !== undefined) return taken;
    if (!wait) throw busyError(path);
    const left = deadline - Date.now();
    if (left <= 0) throw timeoutError(path, timeoutMs ?? 0);
    const jittered = delay * (0.75 + Math.random() * 0.5);
    await sleep(Math.min(jittered, left), undefined, signal ? { signal } : undefined).catch(
      (err: unknown) => {
        // timers/promises rejects with its own AbortError; callers expect the signal's reason.
        throw signal?.aborted ? signal.reason : err;
      },
    );
    delay = Math.min(delay * 2, maxDelayMs);
  }
}
