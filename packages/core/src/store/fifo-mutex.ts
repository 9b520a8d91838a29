/** Runs functions one at a time, in the order they asked. */
export type Mutex = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * A fair FIFO mutex for this process: a promise chain where each caller waits for the one before
 * it, and a failure releases the lock like a success does. It is what `withLock` is for a store
 * whose driver has no lock of its own.
 */
export function fifoMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
