import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import {
  redisServerMissing,
  startRedisServer,
  type TestRedisServer,
} from '@codex-oauth/test-support/redis-server';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliSandbox } from './helpers.js';

let issuer: FakeIssuer;
let env: Record<string, string>;
useCliSandbox((sandbox) => {
  ({ issuer, env } = sandbox);
});

const PASSWORD = 'cli-redis-pw-9d1c';

describe.skipIf(redisServerMissing)(
  `--storage redis${redisServerMissing ? ` (skipped: ${redisServerMissing})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let url: string;
    beforeAll(async () => {
      redis = await startRedisServer({ password: PASSWORD });
      url = redis.url.replace('redis://', `redis://:${PASSWORD}@`);
    });
    afterAll(() => redis?.cleanup());

    it('login, status, token and logout on a Redis key, by flags or by environment; each run exits', async () => {
      const key = 'codex-oauth:cli:ops';
      const flags = ['--storage', 'redis', '--redis-url', url, '--redis-key', key];
      const login = await runCli(['login', '--flow', 'device', ...flags], env);
      expect(login.code, login.stderr).toBe(0);

      const admin = createClient({ url });
      admin.on('error', () => {});
      await admin.connect();
      try {
        const stored = JSON.parse((await admin.get(key)) ?? 'null');
        expect(issuer.isLive(stored.tokens.refresh_token)).toBe(true);

        // The same key through the environment instead of flags.
        const byEnv = { ...env, CODEX_OAUTH_REDIS_URL: url, CODEX_OAUTH_REDIS_KEY: key };
        const status = await runCli(['status', '--storage', 'redis', '--json'], byEnv);
        expect(status.code, status.stderr).toBe(0);
        expect(JSON.parse(status.stdout)).toMatchObject({ authenticated: true, storage: 'redis' });
        const token = await runCli(['token', '--storage', 'redis'], byEnv);
        expect(token.code, token.stderr).toBe(0);
        expect(token.stdout.trim() === stored.tokens.access_token).toBe(true);

        const logout = await runCli(['logout', ...flags], env);
        expect(logout.code, logout.stderr).toBe(0);
        expect(await admin.exists(key)).toBe(0);
        for (const run of [login, status, logout]) {
          expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
        }
      } finally {
        await admin.close();
      }
    });

    it('Redis unreachable: exit 2 with CODEX_OAUTH_STORE_UNAVAILABLE, and no password shown', async () => {
      const down = `redis://:${PASSWORD}@127.0.0.1:1`;
      const r = await runCli(['status', '--storage', 'redis', '--redis-url', down], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('CODEX_OAUTH_STORE_UNAVAILABLE');
      expect(r.stderr).toContain('127.0.0.1:1');
      expect(r.stderr).not.toContain(PASSWORD);
    });

    it('usage errors: no URL, or not a Redis URL (never echoed back)', async () => {
      const none = await runCli(['status', '--storage', 'redis'], env);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('--redis-url');
      const bad = await runCli(
        ['status', '--storage', 'redis', '--redis-url', `http://:${PASSWORD}@x`],
        env,
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).not.toContain(PASSWORD);
    });
  },
);
