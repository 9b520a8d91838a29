import { inspect } from 'node:util';
import { ErrorCodes, getAccessToken } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisStore, redisStore } from '../src/index.js';
import { ENV, refreshRequests, signIn } from './helpers/fleet.js';
import { connectedClient, skipReason, uniqueKey } from './helpers/redis.js';

describe.skipIf(skipReason)(
  `Redis stopped in the middle of a refresh${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let fake: FakeIssuer;
    let key: string;
    const stores: RedisStore[] = [];
    const open = (options: { unavailableTimeoutMs: number }) => {
      const store = redisStore({ url: redis.url, key, ...options });
      stores.push(store);
      return store;
    };

    beforeEach(async () => {
      redis = await startRedisServer();
      fake = await startFakeIssuer({
        registeredPorts: 'any',
        accessTokenTtlSeconds: 60,
        refreshedAccessTokenTtlSeconds: 3600,
      });
      key = uniqueKey('codex-oauth:user');
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.dispose()));
      await fake.stop();
      await redis.cleanup();
    });

    it('a typed error while Redis is down, then success once it is back; the record is intact', async () => {
      // The instance refreshing waits up to 10 s for Redis to return before giving up its save;
      // the other instance asks while Redis is down and is told so at once.
      const holder = open({ unavailableTimeoutMs: 10_000 });
      const other = open({ unavailableTimeoutMs: 300 });
      await signIn(fake, holder);
      fake.inject({ path: '/oauth/token', kind: 'delay', ms: 800 });
      const refreshing = getAccessToken({ issuer: fake.url, store: holder, env: ENV });
      while (refreshRequests(fake).length === 0) await new Promise((r) => setTimeout(r, 10));
      await redis.shutdownSave(); // stopped mid-refresh (an orderly stop that keeps the data)

      const error = await getAccessToken({ issuer: fake.url, store: other, env: ENV }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      const shown = `${(error as Error).message}${inspect(error)}${JSON.stringify(error)}`;
      expect(shown).toContain(`127.0.0.1:${redis.port}`);
      for (const token of fake.issued.grants.flatMap((g) => [
        ...g.refreshTokens,
        ...g.accessTokens,
      ])) {
        expect(shown.includes(token)).toBe(false);
      }

      // The issuer answers the refresh while Redis is still down: the new tokens exist only in the
      // holder's memory now, and its save waits for Redis.
      while (refreshRequests(fake)[0]?.status === undefined) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(redis.running).toBe(false);
      await redis.start();
      const fresh = await refreshing;
      const grant = fake.issued.grants[0]!;
      expect(fresh.accessToken === grant.accessTokens[1]).toBe(true);

      const again = await retried(() =>
        getAccessToken({ issuer: fake.url, store: other, env: ENV }),
      );
      expect(again.accessToken === grant.accessTokens[1]).toBe(true);
      expect(refreshRequests(fake)).toHaveLength(1);
      expect(grant.revoked).toBeNull();
      // Intact: the raw value is a whole record with the newest tokens, read by a fresh client.
      const admin = await connectedClient(redis.url);
      try {
        const raw = JSON.parse((await admin.get(key)) ?? 'null');
        expect(raw.tokens.refresh_token === grant.refreshTokens[1]).toBe(true);
      } finally {
        await admin.close();
      }
    });
  },
);

/** Calls `fn` until it stops throwing STORE_UNAVAILABLE (at most 20 tries). */
async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== ErrorCodes.STORE_UNAVAILABLE || attempt >= 20) {
        throw error;
      }
    }
  }
}
