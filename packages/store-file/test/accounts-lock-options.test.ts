import { join } from 'node:path';
import type { LockCallOptions, TokenStore } from '@codex-oauth/core/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockBackend } from '../src/backend.js';
import { fileAccounts } from '../src/index.js';
import { type Holder, holdWithFlockCommand, tempHome } from './children.js';

// The accounts stores pass `withLock`'s options through to CODEX_HOME's lock, as auth.json's own
// store honours them: `prepare` (where a refresh loads its transport) runs before auth.lock is
// taken, so the lock Codex waits on is not held while undici loads, and `signal` stops the wait.
// auth.lock is held the way the Codex CLI holds it, by another program (flock(1)).
const flock = lockBackend().kind === 'flock';

let home: Awaited<ReturnType<typeof tempHome>>;
let holder: Holder | undefined;

beforeEach(async () => {
  home = await tempHome();
});
afterEach(async () => {
  holder?.release();
  await holder?.exited;
  holder = undefined;
  await home.cleanup();
});

const accounts = () => fileAccounts({ codexHome: home.dir });
const stores: [string, () => TokenStore][] = [
  ['an account store', () => accounts().store('0123456789abcdef')],
  ['the adding store', () => accounts().addingStore()],
];

/** Calls `withLock`, recording the order in which `prepare` and `fn` ran. */
function lockWithPrepare(store: TokenStore, extra: LockCallOptions = {}) {
  const steps: string[] = [];
  let prepared!: () => void;
  const preparedNow = new Promise<void>((resolve) => {
    prepared = resolve;
  });
  const done = store.withLock?.(
    async () => {
      steps.push('fn');
      return 'ran';
    },
    {
      ...extra,
      prepare: async () => {
        steps.push('prepare');
        prepared();
      },
    },
  );
  return { steps, preparedNow, done };
}

describe.skipIf(!flock)(
  'accounts stores and the lock options (skipped: needs the flock backend)',
  () => {
    it.each(stores)(
      '%s runs prepare before auth.lock is taken, then fn under it',
      async (_, make) => {
        holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
        await holder.held;
        const { steps, preparedNow, done } = lockWithPrepare(make());
        // Were the options dropped, prepare would never run (or only once the lock was ours).
        await preparedNow;
        expect(steps).toEqual(['prepare']);
        expect(holder.child.exitCode, 'auth.lock is still held by the other program').toBeNull();
        holder.release();
        await expect(done).resolves.toBe('ran');
        expect(steps).toEqual(['prepare', 'fn']);
      },
    );

    it.each(stores)('%s stops waiting for auth.lock when the signal aborts', async (_, make) => {
      holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
      await holder.held;
      const abort = new AbortController();
      const { steps, preparedNow, done } = lockWithPrepare(make(), { signal: abort.signal });
      await preparedNow;
      abort.abort(new Error('caller gave up'));
      await expect(done).rejects.toThrow('caller gave up');
      expect(steps, 'fn never ran').toEqual(['prepare']);
    });
  },
);
