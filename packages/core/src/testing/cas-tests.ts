import { expect, it } from 'vitest';
import type { AuthRecord } from '../model/auth-record.js';
import { ErrorCodes } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';
import { type DescribeTokenStoreOptions, describeError, storeTest } from './suite-options.js';
import { makeTestRecord } from './test-records.js';

const NOT_ATOMIC =
  'several concurrent save()s with the same previousRefreshToken all succeeded: the ' +
  'compare-and-swap is not atomic (a TokenStoreDriver must compare and write in one step)';

/** Races `contenders` saves from the same refresh token; returns the records that won. */
async function race(stores: TokenStore[], previous: string): Promise<AuthRecord[]> {
  const contenders = Array.from({ length: 8 }, () => makeTestRecord());
  const outcomes = await Promise.allSettled(
    contenders.map((record, i) =>
      (stores[i % stores.length] as TokenStore).save(record, { previousRefreshToken: previous }),
    ),
  );
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      expect(
        (outcome.reason as { code?: unknown }).code,
        `a losing swap threw ${describeError(outcome.reason)}, not CODEX_OAUTH_STORE_CONFLICT`,
      ).toBe(ErrorCodes.STORE_CONFLICT);
    }
  }
  return outcomes.flatMap((outcome, i) =>
    outcome.status === 'fulfilled' ? [contenders[i] as AuthRecord] : [],
  );
}

/** Compare-and-swap on the refresh token: matches, conflicts, and races in one and two instances. */
export function casTests(options: DescribeTokenStoreOptions): void {
  it(
    'save with previousRefreshToken swaps only when it matches (compare-and-swap)',
    storeTest(options, async (store) => {
      const first = makeTestRecord();
      await store.save(first, { previousRefreshToken: null });
      const second = makeTestRecord({ accountId: first.tokens?.accountId ?? 'acct' });
      await store.save(second, { previousRefreshToken: first.tokens?.refreshToken ?? null });
      expect(await store.load()).toEqual(second);

      const stale = makeTestRecord();
      for (const previous of [first.tokens?.refreshToken ?? null, null]) {
        const error = await store.save(stale, { previousRefreshToken: previous }).catch((e) => e);
        expect(
          (error as { code?: unknown } | undefined)?.code,
          `a swap from a token that is not stored gave ${describeError(error)}, not CODEX_OAUTH_STORE_CONFLICT`,
        ).toBe(ErrorCodes.STORE_CONFLICT);
      }
      expect(await store.load(), 'a conflicting save changed the store').toEqual(second);
    }),
  );

  it(
    'lets exactly one of several concurrent swaps from the same token win',
    storeTest(options, async (store) => {
      const first = makeTestRecord();
      await store.save(first);
      const winners = await race([store], first.tokens?.refreshToken ?? '');
      expect(winners.length, NOT_ATOMIC).toBeLessThanOrEqual(1);
      expect(
        winners,
        'every concurrent swap lost, though one was from the stored token',
      ).toHaveLength(1);
      expect(await store.load()).toEqual(winners[0]);
    }),
  );

  it(
    'two store instances on one backend: exactly one of their concurrent swaps wins',
    storeTest(options, async (store, context, test) => {
      const other = await options.create(context);
      const first = makeTestRecord();
      await store.save(first);
      const shared = (await other.load())?.tokens?.refreshToken === first.tokens?.refreshToken;
      test.skip(!shared, 'two stores for one context do not share a backend (not persistent)');
      const winners = await race([store, other], first.tokens?.refreshToken ?? '');
      expect(winners.length, `${NOT_ATOMIC}, across two instances`).toBeLessThanOrEqual(1);
      expect(winners).toHaveLength(1);
      expect(await other.load()).toEqual(winners[0]);
      expect(await store.load()).toEqual(winners[0]);
    }),
  );

  it(
    'an unconditional save replaces whatever is stored',
    storeTest(options, async (store) => {
      await store.save(makeTestRecord());
      const next = makeTestRecord();
      await store.save(next);
      expect(await store.load()).toEqual(next);
    }),
  );
}
