import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { ErrorCodes } from '@codex-oauth/core';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { createThrowawayCa, type ThrowawayCa } from '@codex-oauth/test-support/throwaway-ca';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnClient } from '../src/redis-client.js';
import type { RedisDriver } from '../src/redis-driver.js';
import { driverFor, skipReason, uniqueKey } from './helpers/redis.js';

const PASSWORD = 'pw-do-not-print-7f3a';

describe.skipIf(skipReason)(
  `redis faults and connection settings${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const servers: TestRedisServer[] = [];
    const drivers: RedisDriver[] = [];
    const cas: ThrowawayCa[] = [];
    const track = (driver: RedisDriver) => {
      drivers.push(driver);
      return driver;
    };
    afterEach(async () => {
      await Promise.all(drivers.splice(0).map((d) => d.close()));
      await Promise.all(servers.splice(0).map((s) => s.cleanup()));
      await Promise.all(cas.splice(0).map((ca) => ca.cleanup()));
    });

    it('Redis down at start: a typed error naming the place, not the password; then recovery', async () => {
      const port = await freePort();
      const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
      const store = track(driverFor(url, uniqueKey(), { unavailableTimeoutMs: 300 }));
      const error = await store.read().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      const shown = `${(error as Error).message} ${inspect(error)} ${JSON.stringify(error)}`;
      expect(shown).toContain(`127.0.0.1:${port}`);
      expect(shown).toContain('ECONNREFUSED');
      expect(shown).not.toContain(PASSWORD);
      expect(JSON.stringify(store.describe?.())).not.toContain(PASSWORD);

      servers.push(await startRedisServer({ port, password: PASSWORD }));
      // The client reconnects with backoff; a caller that retries gets through once it has.
      expect(await retried(() => store.write('after start'))).toBe(true);
      expect(await store.read()).toBe('after start');
    });

    it('the store object shows no password when inspected or serialised', async () => {
      const { redisStore } = await import('../src/index.js');
      const store = redisStore({ url: `redis://:${PASSWORD}@127.0.0.1:1`, key: uniqueKey() });
      const shown = `${inspect(store, { depth: 10, showHidden: true })}${JSON.stringify(store)}${JSON.stringify(store.describe())}`;
      expect(shown).not.toContain(PASSWORD);
      expect(store.describe().location).toContain('redis://:***@127.0.0.1:1');
      expect(store.describe().warnings).toEqual([]);
      await store.dispose();
      // Plain redis:// to another host: status() warns that tokens would travel in clear.
      const remote = redisStore({ url: 'redis://cache.internal.test:6379', key: uniqueKey() });
      expect(remote.describe().warnings?.[0]).toMatch(/not encrypted.*rediss:\/\//);
      const tls = redisStore({ url: 'rediss://cache.internal.test:6380', key: uniqueKey() });
      expect(tls.describe().warnings).toEqual([]);
    });

    it('a wrong password is a typed error that says so, without either password', async () => {
      const redis = await startRedisServer({ password: PASSWORD });
      servers.push(redis);
      const wrong = 'wrong-pw-also-secret';
      const url = redis.url.replace('redis://', `redis://:${wrong}@`);
      const error = await track(driverFor(url, uniqueKey(), { unavailableTimeoutMs: 500 }))
        .read()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      expect((error as Error).message).toMatch(/WRONGPASS|NOAUTH/);
      expect(`${(error as Error).message}${inspect(error)}`).not.toMatch(/wrong-pw|pw-do-not/);
    });

    it('a save in flight while Redis restarts lands once it is back, whole', async () => {
      const redis = await startRedisServer();
      servers.push(redis);
      const store = track(driverFor(redis.url, uniqueKey(), { unavailableTimeoutMs: 10_000 }));
      await store.write('old');
      await redis.shutdownSave(); // an orderly restart of a Redis that keeps its data
      const saving = store.write('new', 'old');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await redis.start();
      expect(await saving).toBe(true);
      expect(await store.read()).toBe('new');
    });

    it('Redis gone for longer than the wait: the save fails typed and the record is untouched', async () => {
      const redis = await startRedisServer();
      servers.push(redis);
      const store = track(driverFor(redis.url, uniqueKey(), { unavailableTimeoutMs: 300 }));
      await retried(() => store.write('old')); // a loaded machine may take longer to connect
      await redis.shutdownSave();
      await expect(store.write('new', 'old')).rejects.toMatchObject({
        code: ErrorCodes.STORE_UNAVAILABLE,
      });
      await redis.start();
      expect(await retried(() => store.read())).toBe('old');
    });

    it('rediss:// with a private CA and a password', async () => {
      const ca = await createThrowawayCa();
      cas.push(ca);
      const redis = await startRedisServer({ tls: ca.leaf, password: PASSWORD });
      servers.push(redis);
      expect(redis.url.startsWith('rediss://')).toBe(true);
      const url = redis.url.replace('rediss://', `rediss://:${PASSWORD}@`);
      const trusted = track(
        driverFor(url, uniqueKey(), {
          client: () => createOwnClient(url, { socket: { ca: ca.ca.certPem } }),
        }),
      );
      expect(await trusted.write('over tls')).toBe(true);
      expect(await trusted.read()).toBe('over tls');
      // Without the CA the server's certificate is not trusted: typed, and still no password.
      const untrusted = track(driverFor(url, uniqueKey(), { unavailableTimeoutMs: 500 }));
      const error = await untrusted.read().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      expect(`${(error as Error).message}${inspect(error)}`).not.toContain(PASSWORD);
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
