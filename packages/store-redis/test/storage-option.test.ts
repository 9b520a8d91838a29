import { ErrorCodes, getAccessToken, logout, status } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { distMissing, ENV, signIn } from './helpers/fleet.js';
import { skipReason as redisMissing } from './helpers/redis.js';

// Core imports @codex-oauth/store-redis by name, which resolves to the built package.
const skip = redisMissing ?? distMissing();

describe.skipIf(skip)(
  `storage: 'redis' in the session API${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let fake: FakeIssuer;
    beforeAll(async () => {
      redis = await startRedisServer();
      fake = await startFakeIssuer({ registeredPorts: 'any' });
    });
    afterAll(async () => {
      await fake?.stop();
      await redis?.cleanup();
    });

    it('reads CODEX_OAUTH_REDIS_URL / CODEX_OAUTH_REDIS_KEY, and logout clears the key', async () => {
      const key = 'codex-oauth:user:env';
      const seed = redisStore({ url: redis.url, key });
      await signIn(fake, seed);
      const options = {
        issuer: fake.url,
        storage: 'redis' as const,
        env: { ...ENV, CODEX_OAUTH_REDIS_URL: redis.url, CODEX_OAUTH_REDIS_KEY: key },
      };
      const now = await status(options);
      expect(now).toMatchObject({ authenticated: true, storageUsed: 'redis' });
      const { accessToken } = await getAccessToken(options);
      expect((await seed.load())?.tokens?.accessToken === accessToken).toBe(true);
      await logout({ ...options, revoke: false });
      expect(await seed.load()).toBeNull();
      await seed.dispose();
    });

    it('without CODEX_OAUTH_REDIS_URL: a typed error that says what to set', async () => {
      await expect(status({ storage: 'redis', env: ENV })).rejects.toMatchObject({
        code: ErrorCodes.INVALID_OPTION,
        message: expect.stringContaining('CODEX_OAUTH_REDIS_URL'),
      });
    });
  },
);
