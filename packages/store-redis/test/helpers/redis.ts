import { randomBytes } from 'node:crypto';
import { redisServerMissing } from '@codex-oauth/test-support/redis-server';
import { createClient } from 'redis';
import { createOwnClient } from '../../src/redis-client.js';
import { type RedisDriver, type RedisDriverOptions, redisDriver } from '../../src/redis-driver.js';

/** The skip note of every Redis test file: why it cannot run here, or `undefined`. */
export const skipReason = redisServerMissing;

/** A connected node-redis client of the test's own (closed by the caller). */
export async function connectedClient(url: string) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A driver on its own client for `url` (so two drivers are two instances), with test settings. */
export function driverFor(
  url: string,
  key: string,
  overrides: Partial<RedisDriverOptions> = {},
): RedisDriver {
  return redisDriver({
    client: () => createOwnClient(url),
    url,
    key,
    leaseMs: 2_000,
    lockTimeoutMs: 20_000,
    unavailableTimeoutMs: 2_000,
    ...overrides,
  });
}

/** A fresh key per test (short: core redacts 32-character runs from messages, as if tokens). */
export function uniqueKey(prefix = 't'): string {
  return `${prefix}:${randomBytes(4).toString('hex')}`;
}

/** Resolves once `check` is true (polled every 20 ms, at most 10 s), else rejects. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what = 'the condition',
): Promise<void> {
  for (let waited = 0; !(await check()); waited += 20) {
    if (waited > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once `count` connections subscribe to `channel` on the server `admin` talks to. */
export function subscribed(
  admin: { sendCommand(args: string[]): Promise<unknown> },
  channel: string,
  count = 1,
): Promise<void> {
  return until(async () => {
    const reply = (await admin.sendCommand(['PUBSUB', 'NUMSUB', channel])) as unknown[];
    return Number(reply[1]) >= count;
  }, `${count} subscriber(s) on ${channel}`);
}
