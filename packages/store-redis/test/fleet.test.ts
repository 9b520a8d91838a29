import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisStore, redisStore } from '../src/index.js';
import { redisKeys } from '../src/redis-keys.js';
import {
  answersOf,
  distMissing,
  type FleetChild,
  refreshRequests,
  sha256,
  signIn,
  startChild,
} from './helpers/fleet.js';
import { connectedClient, skipReason as redisMissing, uniqueKey } from './helpers/redis.js';

const PROCESSES = 4;
const CALLS = 16;
const skip = redisMissing ?? distMissing();

describe.skipIf(skip)(
  `a fleet of host processes on one Redis key${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let fake: FakeIssuer;
    let store: RedisStore;
    let key: string;
    const children: FleetChild[] = [];

    beforeEach(async () => {
      redis = await startRedisServer();
      // Tokens minted at sign-in are already due (60 s is inside the refresh margin).
      fake = await startFakeIssuer({
        registeredPorts: 'any',
        accessTokenTtlSeconds: 60,
        refreshedAccessTokenTtlSeconds: 3600,
      });
      key = uniqueKey('codex-oauth:user');
      store = redisStore({ url: redis.url, key });
      await signIn(fake, store);
    });
    afterEach(async () => {
      for (const { child } of children.splice(0)) child.kill('SIGKILL');
      await store.dispose();
      await fake.stop(); // drops any answer still delayed, unprocessed
      await redis.cleanup();
    });

    it(`storm: ${PROCESSES} processes x ${CALLS} concurrent getAccessToken() on one expired record -> exactly one refresh`, async () => {
      const fleet = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          startChild(fake, redis.url, key, {
            calls: CALLS,
            leaseMs: 30_000,
            lockTimeoutMs: 60_000,
          }),
        ),
      );
      children.push(...fleet);
      for (const child of fleet) child.go();
      const results = await Promise.all(fleet.map((child) => answersOf(child, CALLS)));
      const answers = results.flatMap((r) => r.answers);

      const grant = fake.issued.grants[0]!;
      expect(refreshRequests(fake)).toHaveLength(1);
      expect(grant.refreshCount).toBe(1);
      expect(grant.revoked).toBeNull();
      expect(answers).toHaveLength(PROCESSES * CALLS);
      expect(answers.filter((a) => !a.ok)).toEqual([]);
      expect(new Set(answers.map((a) => a.sha256))).toEqual(
        new Set([sha256(grant.accessTokens[1]!)]),
      );
      // Single-flight inside each process: its 16 callers make at most one trip to the lock.
      expect(results.map((r) => Math.min(r.locked, 2))).not.toContain(2);
      const stored = await store.load();
      expect(stored?.tokens?.refreshToken === grant.refreshTokens[1]).toBe(true);
    });

    it('the lock holder is SIGKILLed mid-refresh: another process completes within the lease + 1 s, with the newest tokens', async () => {
      const leaseMs = 1_500;
      // The issuer holds the holder's refresh request for longer than this test runs, unprocessed,
      // as if the holder died before its request reached the issuer's token store. (A request
      // processed after its sender died loses that rotation whatever the store does; tools/
      // fault-tests counts that race for store-file.) The next request is answered at once.
      fake.inject({ path: '/oauth/token', kind: 'delay', ms: 120_000 });
      const holder = await startChild(fake, redis.url, key, {
        calls: 1,
        leaseMs,
        lockTimeoutMs: 60_000,
      });
      // The other instance gives up on the lock after lease + 1 s: completing at all is the bound.
      const other = await startChild(fake, redis.url, key, {
        calls: 1,
        leaseMs,
        lockTimeoutMs: leaseMs + 1_000,
      });
      children.push(holder, other);
      holder.go();
      expect(await holder.next()).toBe('locked');
      while (refreshRequests(fake).length === 0) await new Promise((r) => setTimeout(r, 10));
      const admin = await connectedClient(redis.url);
      try {
        expect(await admin.exists(redisKeys(key).lock)).toBe(1);
        holder.child.kill('SIGKILL');
        await holder.exited;
        other.go();
        const { answers, locked } = await answersOf(other, 1);

        const grant = fake.issued.grants[0]!;
        expect(locked).toBe(1);
        expect(answers[0]?.ok ? 'ok' : answers[0]?.code).toBe('ok');
        expect(refreshRequests(fake)).toHaveLength(2); // the dead holder's (held) and the other's
        expect(grant.refreshCount).toBe(1);
        expect(answers[0]?.sha256).toBe(sha256(grant.accessTokens.at(-1)!));
        const stored = await store.load();
        // Booleans, so a failure never prints a token.
        expect(stored?.tokens?.refreshToken === grant.refreshTokens.at(-1)).toBe(true);
        expect(stored?.tokens?.accessToken === grant.accessTokens.at(-1)).toBe(true);
        expect(await admin.exists(redisKeys(key).lock)).toBe(0);
      } finally {
        await admin.close();
      }
      await fake.stop();
      expect(fake.issued.grants[0]?.revoked).toBeNull();
    });
  },
);
