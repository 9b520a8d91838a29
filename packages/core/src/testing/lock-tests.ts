import { expect, it } from 'vitest';
import { holdInChild } from './lock-child.js';
import { type DescribeTokenStoreOptions, storeTest } from './suite-options.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `withLock`: in-process exclusion, and across processes when `crossProcessLock` is declared. */
export function lockTests(options: DescribeTokenStoreOptions): void {
  it(
    'withLock runs callers one at a time, returns their value and releases on error',
    storeTest(options, async (store, _context, test) => {
      test.skip(!store.withLock, 'the store declares no withLock()');
      const withLock = store.withLock?.bind(store);
      if (!withLock) return;
      const trace: string[] = [];
      const task = (name: string) =>
        withLock(async () => {
          trace.push(`${name}:start`);
          await delay(5);
          trace.push(`${name}:end`);
          return name;
        });
      expect(await Promise.all([task('a'), task('b'), task('c')])).toEqual(['a', 'b', 'c']);
      for (let i = 0; i < trace.length; i += 2) {
        expect(trace[i]?.replace(':start', ''), 'withLock() let two callers in at once').toBe(
          trace[i + 1]?.replace(':end', ''),
        );
      }
      await expect(withLock(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await withLock(async () => 'released'), 'withLock() stays held after an error').toBe(
        'released',
      );
    }),
  );

  it(
    'withLock excludes another process when crossProcessLock is declared',
    storeTest(options, async (store, context, test) => {
      test.skip(!store.capabilities.crossProcessLock, 'the store declares no crossProcessLock');
      const cross = options.crossProcess;
      expect(
        cross,
        'capabilities.crossProcessLock is true: pass crossProcess (a module exporting ' +
          'createStore) so the suite can check the claim in a second process',
      ).toBeDefined();
      if (!cross || !store.withLock) return;
      const holder = await holdInChild(cross, cross.input ? cross.input(context) : context);
      try {
        let released = false;
        let enteredWhileHeld = false;
        const mine = store.withLock(async () => {
          enteredWhileHeld = !released;
          return 'mine';
        });
        // Give a broken lock the chance to let us in while the child still holds it.
        await Promise.race([mine, delay(300)]);
        released = true;
        holder.release();
        expect(
          enteredWhileHeld,
          'withLock() let this process in while another process held the lock: ' +
            'capabilities.crossProcessLock promises otherwise',
        ).toBe(false);
        expect(await mine).toBe('mine');
        expect(await holder.exited, 'the child process failed').toBe(0);
      } finally {
        holder.kill();
      }
    }),
    // Starting Node and the store in a child can take seconds on a loaded machine.
    30_000,
  );
}
