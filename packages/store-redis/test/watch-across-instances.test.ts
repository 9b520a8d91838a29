import type { AuthRecord } from '@codex-oauth/core';
import { getAccessToken } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { redisKeys } from '../src/redis-keys.js';
import { ENV, signIn } from './helpers/fleet.js';
import { connectedClient, skipReason, subscribed, uniqueKey, until } from './helpers/redis.js';

describe.skipIf(skipReason)(
  `watch across instances${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let fake: FakeIssuer;
    beforeAll(async () => {
      redis = await startRedisServer();
      fake = await startFakeIssuer({
        registeredPorts: 'any',
        accessTokenTtlSeconds: 60,
        refreshedAccessTokenTtlSeconds: 3600,
      });
    });
    afterAll(async () => {
      await fake?.stop();
      await redis?.cleanup();
    });

    it("a refresh made by one instance reaches another instance's watch (an app-server bridge)", async () => {
      const key = uniqueKey('codex-oauth:user');
      const refresher = redisStore({ url: redis.url, key });
      const bridge = redisStore({ url: redis.url, key });
      const admin = await connectedClient(redis.url);
      try {
        await signIn(fake, refresher);
        const seen: (AuthRecord | null)[] = [];
        bridge.watch((record) => seen.push(record));
        await subscribed(admin, redisKeys(key).channel);
        await getAccessToken({ issuer: fake.url, store: refresher, env: ENV });
        const grant = fake.issued.grants[0]!;
        await until(() => seen.length > 0, "the bridge's listener");
        // Booleans, so a failure never prints a token.
        expect(seen.at(-1)?.tokens?.refreshToken === grant.refreshTokens[1]).toBe(true);
        expect(seen.at(-1)?.tokens?.accessToken === grant.accessTokens[1]).toBe(true);
      } finally {
        await admin.close();
        await refresher.dispose();
        await bridge.dispose();
      }
    });
  },
);
