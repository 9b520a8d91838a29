import { describeTokenStore } from '@codex-oauth/core/testing';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisStore, redisStore } from '../src/index.js';
import { connectedClient, skipReason } from './helpers/redis.js';

let redis: TestRedisServer;
let admin: Awaited<ReturnType<typeof connectedClient>>;
const stores = new Map<string, RedisStore[]>();
const keyOf = (id: string) => `conformance:${id.slice(0, 8)}`;

describe.skipIf(skipReason)(`store-redis${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = await connectedClient(redis.url);
  });
  afterAll(async () => {
    await admin?.close();
    await redis?.cleanup();
  });

  describeTokenStore({
    name: 'store-redis',
    // Each call is a new instance with its own connection, as another host process would have.
    create: ({ id }) => {
      const store = redisStore({ url: redis.url, key: keyOf(id) });
      stores.set(id, [...(stores.get(id) ?? []), store]);
      return store;
    },
    inspect: ({ id }) => admin.get(keyOf(id)),
    cleanup: async ({ id }) => {
      await Promise.all((stores.get(id) ?? []).map((store) => store.dispose()));
      stores.delete(id);
      await admin.del(keyOf(id));
    },
  });

  // The same suite on a client the host owns and shares between its stores.
  describeTokenStore({
    name: 'store-redis with the host client',
    create: ({ id }) => {
      const store = redisStore({ client: admin, key: keyOf(id) });
      stores.set(id, [...(stores.get(id) ?? []), store]);
      return store;
    },
    inspect: ({ id }) => admin.get(keyOf(id)),
    cleanup: async ({ id }) => {
      await Promise.all((stores.get(id) ?? []).map((store) => store.dispose()));
      stores.delete(id);
      await admin.del(keyOf(id));
    },
  });
});
