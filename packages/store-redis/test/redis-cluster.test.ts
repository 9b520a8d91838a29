import { makeTestRecord } from '@codex-oauth/core/testing';
import { startRedisServer, type TestRedisServer } from '@codex-oauth/test-support/redis-server';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { redisKeys } from '../src/redis-keys.js';
import { connectedClient, skipReason, subscribed, until } from './helpers/redis.js';

// A real Redis Cluster of one node that owns all 16384 slots: enough for the server to enforce
// cluster rules (slot routing, one slot per script) and for node-redis' cluster client to run.
describe.skipIf(skipReason)(
  `store-redis on Redis Cluster${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let admin: Awaited<ReturnType<typeof connectedClient>>;

    beforeAll(async () => {
      redis = await startRedisServer({
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
      });
      admin = await connectedClient(redis.url);
      await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
      while (!String(await admin.sendCommand(['CLUSTER', 'INFO'])).includes('cluster_state:ok')) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    afterAll(async () => {
      await admin?.close();
      await redis?.cleanup();
    });

    it('the record and its lock hash to one slot, with or without a tag in the key', async () => {
      const slot = async (key: string) =>
        Number(await admin.sendCommand(['CLUSTER', 'KEYSLOT', key]));
      for (const key of ['codex-oauth:user:42', 'app:{user:42}:codex', 'x{y}z{w}']) {
        const keys = redisKeys(key);
        expect(await slot(keys.lock)).toBe(await slot(keys.record));
        expect(await slot(keys.aside('20261201T000000000Z'))).toBe(await slot(keys.record));
      }
    });

    it('works through a node-redis cluster client: save, swap, lock and watch', async () => {
      const cluster = createCluster({ rootNodes: [{ url: redis.url }] });
      cluster.on('error', () => {});
      await cluster.connect();
      const store = redisStore({ client: cluster, key: 'codex-oauth:{user:7}' });
      const other = redisStore({ client: cluster, key: 'codex-oauth:{user:7}' });
      try {
        const seen: unknown[] = [];
        other.watch((record) => seen.push(record?.tokens?.accountId));
        await subscribed(admin, redisKeys('codex-oauth:{user:7}').channel);
        const first = makeTestRecord({ accountId: 'acct-cluster' });
        await store.save(first, { previousRefreshToken: null });
        const second = makeTestRecord({ accountId: 'acct-cluster' });
        await store.withLock(() =>
          store.save(second, { previousRefreshToken: first.tokens!.refreshToken }),
        );
        expect(await other.load()).toEqual(second);
        await until(() => seen.length > 0, 'a change heard by the other instance');
        expect(seen.every((id) => id === 'acct-cluster')).toBe(true);
        // quarantine's script touches two keys: the cluster refuses that unless they share a slot.
        const aside = await store.quarantine();
        expect(aside).toMatch(/^codex-oauth:\{user:7\}\.bak-/);
        expect(await store.load()).toBeNull();
        expect(await admin.exists(aside as string)).toBe(1);
      } finally {
        await store.dispose();
        await other.dispose();
        await cluster.close();
      }
    });
  },
);
