import { ErrorCodes } from '@codex-oauth/core';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisDriver } from '../src/redis-driver.js';
import { redisKeys } from '../src/redis-keys.js';
import {
  connectedClient,
  driverFor,
  skipReason,
  subscribed,
  uniqueKey,
  until,
} from './helpers/redis.js';

describe.skipIf(skipReason)(
  `redis driver against a real redis-server${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let admin: Awaited<ReturnType<typeof connectedClient>>;
    const open: RedisDriver[] = [];
    const driver = (key: string, overrides = {}) => {
      const made = driverFor(redis.url, key, overrides);
      open.push(made);
      return made;
    };

    beforeAll(async () => {
      redis = await startRedisServer();
      admin = await connectedClient(redis.url);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((d) => d.close()));
    });
    afterAll(async () => {
      await admin?.close();
      await redis?.cleanup();
    });

    it('keeps one string: read null, write, read back, remove once', async () => {
      const key = uniqueKey();
      const store = driver(key);
      expect(await store.read()).toBeNull();
      expect(await store.remove()).toBe(false);
      expect(await store.write('{"a":1}')).toBe(true);
      expect(await store.read()).toBe('{"a":1}');
      expect(await admin.get(key)).toBe('{"a":1}'); // exactly at the host's key
      expect(await store.remove()).toBe(true);
      expect(await store.read()).toBeNull();
    });

    it('compare-and-swap on the server: swaps only on a match, changes nothing otherwise', async () => {
      const store = driver(uniqueKey());
      expect(await store.write('one', null)).toBe(true);
      expect(await store.write('other', null)).toBe(false);
      expect(await store.write('two', 'one')).toBe(true);
      expect(await store.write('three', 'one')).toBe(false);
      expect(await store.read()).toBe('two');
    });

    it('two instances, eight concurrent swaps from the same value: exactly one wins', async () => {
      const key = uniqueKey();
      const a = driver(key);
      const b = driver(key);
      await a.write('base');
      const values = Array.from({ length: 8 }, (_, i) => `next-${i}`);
      const results = await Promise.all(
        values.map((value, i) => (i % 2 ? a : b).write(value, 'base')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.read()).toBe(values[results.indexOf(true)]);
    });

    it('the lock excludes another instance, and its release wakes the waiter', async () => {
      const key = uniqueKey();
      const a = driver(key);
      const b = driver(key);
      const trace: string[] = [];
      const hold = (name: string, ms: number) => async () => {
        trace.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        trace.push(`${name}:end`);
        return name;
      };
      const first = a.lock!(hold('a', 300));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = b.lock!(hold('b', 10));
      expect(await Promise.all([first, second])).toEqual(['a', 'b']);
      expect(trace).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
      expect(await admin.exists(redisKeys(key).lock)).toBe(0);
    });

    it('renews the lease while a slow holder runs past it', async () => {
      const key = uniqueKey();
      const a = driver(key, { leaseMs: 200 });
      const b = driver(key, { leaseMs: 200 });
      const trace: string[] = [];
      const first = a.lock!(async () => {
        trace.push('a:start');
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // five leases
        trace.push('a:end');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await Promise.all([first, b.lock!(async () => void trace.push('b'))]);
      expect(trace).toEqual(['a:start', 'a:end', 'b']);
    });

    it('only the owner releases: another token cannot delete the lock', async () => {
      const key = uniqueKey();
      const lock = redisKeys(key).lock;
      await admin.set(lock, 'someone-else', { PX: 10_000 });
      const store = driver(key, { lockTimeoutMs: 300 });
      await expect(store.lock!(async () => 'never')).rejects.toMatchObject({
        code: ErrorCodes.LOCK_TIMEOUT,
      });
      expect(await admin.get(lock)).toBe('someone-else');
    });

    it('a dead holder: its lease expires and the next instance proceeds', async () => {
      const key = uniqueKey();
      const lock = redisKeys(key).lock;
      // What a SIGKILLed holder leaves: its token with the rest of its lease, and no renewal.
      await admin.set(lock, 'dead-holder', { PX: 700 });
      const store = driver(key);
      expect(await store.lock!(async () => 'proceeded')).toBe('proceeded');
      expect(await admin.exists(lock)).toBe(0);
    });

    it('a waiter does not hammer Redis: few lock attempts during a long hold', async () => {
      const key = uniqueKey();
      const holder = driver(key);
      const waiter = driver(key);
      const attempts = async () => Number(/calls=(\d+)/.exec(await stats())?.[1] ?? 0);
      const stats = async () =>
        (await admin.sendCommand(['INFO', 'commandstats']))
          ?.toString()
          .split('\n')
          .find((line) => line.startsWith('cmdstat_evalsha:')) ?? '';
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first = holder.lock!(() => held);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = await attempts();
      const second = waiter.lock!(async () => 'got it');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      release();
      expect(await second).toBe('got it');
      await first;
      // A 2 ms poll would make ~1500 attempts here; bounded backoff and the release message
      // keep it to a handful (each attempt is one EVALSHA, plus the holder's renewals).
      expect((await attempts()) - before).toBeLessThan(20);
    });

    it('watch hears other instances, not its own writes', async () => {
      const key = uniqueKey();
      const a = driver(key);
      const b = driver(key);
      let heard = 0;
      a.watch!(() => {
        heard += 1;
      });
      const heardOne = new Promise<void>((resolve) => {
        b.watch!(() => resolve());
      });
      await subscribed(admin, redisKeys(key).channel, 2);
      await a.write('from a');
      await heardOne;
      await b.write('from b');
      await b.remove();
      await until(() => heard === 2, 'both changes of b heard by a');
      // Published in order on one connection: a's own write came first and was not counted.
      expect(heard).toBe(2);
    });

    it('a key that holds another type is STORE_CORRUPT naming the key', async () => {
      const key = uniqueKey();
      await admin.hSet(key, 'field', 'value');
      await expect(driver(key).read()).rejects.toMatchObject({
        code: ErrorCodes.STORE_CORRUPT,
        message: expect.stringContaining(key),
      });
    });
  },
);

describe('redis keys', () => {
  it('puts the lock in the record hash slot, with or without a tag', () => {
    const plain = redisKeys('codex-oauth:user:42');
    expect([plain.record, plain.lock, plain.channel, plain.aside('T1')]).toEqual([
      'codex-oauth:user:42',
      '{codex-oauth:user:42}:lock',
      'codex-oauth:user:42:changes',
      '{codex-oauth:user:42}.bak-T1',
    ]);
    const tagged = redisKeys('codex-oauth:{user:42}');
    expect([tagged.lock, tagged.aside('T1')]).toEqual([
      'codex-oauth:{user:42}:lock',
      'codex-oauth:{user:42}.bak-T1',
    ]);
  });

  it('refuses an empty key and braces without a tag', () => {
    expect(() => redisKeys('')).toThrow(/non-empty/);
    expect(() => redisKeys('a{}b')).toThrow(/hash tag/);
    expect(() => redisKeys('a{b')).toThrow(/hash tag/);
  });
});
