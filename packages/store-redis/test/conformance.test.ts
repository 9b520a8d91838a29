import { describeTokenStore } from '@codex-oauth/core/testing';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisStore, redisStore } from '../src/index.js';
import { distMissing } from './helpers/fleet.js';
import { connectedClient, skipReason as redisMissing } from './helpers/redis.js';

let redis: TestRedisServer;
let admin: Awaited<ReturnType<typeof connectedClient>>;
const stores = new Map<string, RedisStore[]>();
const keyOf = (id: string) => `conformance:${id.slice(0, 8)}`;
// The two-process lock test runs the built package in its child.
const skip = redisMissing ?? distMissing();

/** The suite's options for stores made by `make`, tracked so cleanup disposes them. */
function suite(name: string, make: (key: string) => RedisStore) {
  return {
    name,
    create: ({ id }: { id: string }) => {
      const store = make(keyOf(id));
      stores.set(id, [...(stores.get(id) ?? []), store]);
      return store;
    },
    inspect: ({ id }: { id: string }) => admin.get(keyOf(id)),
    plantUnreadable: async ({ id }: { id: string }, data: string) => {
      await admin.set(keyOf(id), data);
    },
    cleanup: async ({ id }: { id: string }) => {
      await Promise.all((stores.get(id) ?? []).map((store) => store.dispose()));
      stores.delete(id);
      await admin.del(keyOf(id));
    },
    crossProcess: {
      module: new URL('./fixtures/conformance-store.mjs', import.meta.url),
      input: ({ id }: { id: string }) => ({ url: redis.url, key: keyOf(id) }),
    },
  };
}

describe.skipIf(skip)(`store-redis${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = await connectedClient(redis.url);
  });
  afterAll(async () => {
    await admin?.close();
    await redis?.cleanup();
  });

  // Each call is a new instance with its own connection, as another host process would have.
  describeTokenStore(suite('store-redis', (key) => redisStore({ url: redis.url, key })));
  // The same suite on a client the host owns and shares between its stores.
  describeTokenStore(
    suite('store-redis with the host client', (key) => redisStore({ client: admin, key })),
  );
});
