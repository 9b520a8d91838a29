/**
 * The real Codex CLI 0.169 against the fake issuer, in a loopback-only network namespace (see
 * `@codex-oauth/test-support/codex-cli` for how the issuer's port is bridged into it).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codexSkipReason, runCodex } from '@codex-oauth/test-support/codex-cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_CLIENT_ID, type FakeIssuer, startFakeIssuer } from '../src/index.js';

const skip = codexSkipReason();
const POLL = '/api/accounts/deviceauth/token';
const ACCOUNT = {
  email: 'codex.cli@example.test',
  accountId: 'acct-codex-cli-0001',
  planType: 'plus',
};

describe.skipIf(skip)(
  `the real Codex CLI${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 60_000 },
  () => {
    let issuer: FakeIssuer;
    let home: string;
    const codex = (args: string[], env: Record<string, string> = {}) =>
      runCodex(args, { codexHome: home, forwardPorts: [issuer.port], env, timeoutMs: 45_000 });
    const overrides = () => ({
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${issuer.url}/oauth/token`,
      CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${issuer.url}/oauth/revoke`,
    });

    beforeAll(async () => {
      // A login access token of 60 s is inside Codex's 5-minute refresh window: `codex doctor`
      // refreshes it at once. The refreshed one lives an hour, so it refreshes exactly once.
      issuer = await startFakeIssuer({
        account: ACCOUNT,
        accessTokenTtlSeconds: 60,
        refreshedAccessTokenTtlSeconds: 3600,
        deviceInterval: '1',
      });
      home = await mkdtemp(join(tmpdir(), 'codex-home-'));
    });
    afterAll(async () => {
      await issuer?.stop();
      if (home) await rm(home, { recursive: true, force: true });
    });

    it('signs in with `codex login --device-auth --experimental_issuer` after pending polls', async () => {
      const login = codex(['login', '--device-auth', '--experimental_issuer', issuer.url]);
      // Play the person: approve once Codex has polled (and got 403 pending) at least once.
      const userCode = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const first = issuer.requests.find((r) => r.path === POLL);
          const code = (first?.json as { user_code?: string } | undefined)?.user_code;
          if (code) {
            clearInterval(timer);
            resolve(code);
          }
        }, 20);
        login.then(() => {
          clearInterval(timer);
          reject(new Error('codex exited before polling'));
        }, reject);
      });
      issuer.approveDevice(userCode);
      const result = await login;
      expect(result.code, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/Successfully logged in/);
      expect(result.stdout).toContain(`${issuer.url}/codex/device`);
      expect(result.stdout).toContain(userCode);

      // What Codex sent: JSON usercode request, JSON polls, then the form code exchange.
      const usercode = issuer.requests.find((r) => r.path === '/api/accounts/deviceauth/usercode');
      expect(usercode?.body).toBe(JSON.stringify({ client_id: CODEX_CLIENT_ID }));
      expect(issuer.count(POLL)).toBeGreaterThanOrEqual(2);
      const exchange = issuer.requests.find((r) => r.path === '/oauth/token');
      expect(exchange?.form).toMatchObject({
        grant_type: 'authorization_code',
        client_id: CODEX_CLIENT_ID,
        redirect_uri: `${issuer.url}/deviceauth/callback`,
      });

      // What Codex wrote.
      const path = join(home, 'auth.json');
      const raw = await readFile(path, 'utf8');
      expect(raw.endsWith('\n')).toBe(false);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const auth = JSON.parse(raw);
      expect(Object.keys(auth)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
      const grant = issuer.issued.grants[0]!;
      expect(grant.via).toBe('device');
      expect(auth).toMatchObject({
        auth_mode: 'chatgpt',
        OPENAI_API_KEY: null,
        tokens: {
          id_token: grant.idTokens[0],
          access_token: grant.accessTokens[0],
          refresh_token: grant.refreshTokens[0],
          oauth_provenance: { issuer: issuer.url, client_id: CODEX_CLIENT_ID },
          account_id: ACCOUNT.accountId,
        },
      });
      expect(auth.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

      const status = await codex(['login', 'status']);
      expect(status.code).toBe(0);
      expect(`${status.stdout}${status.stderr}`).toMatch(/Logged in using ChatGPT/);
    });

    it('refreshes through `codex doctor` with the JSON body of SPEC §4, and the fake rotates', async () => {
      const grant = issuer.issued.grants[0]!;
      const before = issuer.count('/oauth/token');
      const oldRefresh = grant.refreshTokens[0]!;
      // doctor exits 1 here (its reachability checks fail without a network); only the refresh matters.
      await codex(['doctor', '--summary'], overrides());

      const refreshes = issuer.requests.filter((r) => r.path === '/oauth/token').slice(before);
      expect(refreshes.length).toBeGreaterThanOrEqual(1);
      const [first] = refreshes;
      expect(first?.headers['content-type']).toBe('application/json');
      expect(first?.headers.originator).toBe('codex_cli_rs');
      expect(first?.headers['user-agent']).toMatch(/^codex_cli_rs\/0\.169\.0 /);
      expect(first?.body).toBe(
        JSON.stringify({
          client_id: CODEX_CLIENT_ID,
          grant_type: 'refresh_token',
          refresh_reason: 'proactive_expiry',
          refresh_token: oldRefresh,
        }),
      );
      expect(issuer.issued.refreshTokens.get(oldRefresh)?.state).toBe('rotated');
      expect(grant.revoked).toBeNull();
      expect(grant.refreshCount).toBe(refreshes.length);

      const auth = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
      expect(auth.tokens.refresh_token).toBe(grant.refreshTokens.at(-1));
      expect(auth.tokens.access_token).toBe(grant.accessTokens.at(-1));
      expect(auth.tokens.refresh_token).not.toBe(oldRefresh);
    });

    it('revokes on `codex logout` with the JSON body Codex sends, ending the grant', async () => {
      const grant = issuer.issued.grants[0]!;
      const result = await codex(['logout'], overrides());
      expect(result.code).toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/Successfully logged out/);
      const revoke = issuer.requests.find((r) => r.path === '/oauth/revoke');
      expect(revoke?.json).toEqual({
        token: grant.refreshTokens.at(-1),
        token_type_hint: 'refresh_token',
        client_id: CODEX_CLIENT_ID,
      });
      expect(grant.revoked).toBe('revoke');
      await expect(stat(join(home, 'auth.json'))).rejects.toThrow();
    });

    it('reports device login disabled when the usercode endpoint answers 404', async () => {
      const off = await startFakeIssuer({ deviceLogin: false });
      const offHome = await mkdtemp(join(tmpdir(), 'codex-home-'));
      try {
        const result = await runCodex(
          ['login', '--device-auth', '--experimental_issuer', off.url],
          {
            codexHome: offHome,
            forwardPorts: [off.port],
          },
        );
        expect(result.code).not.toBe(0);
        expect(`${result.stdout}${result.stderr}`).toMatch(/not enabled/i);
        expect(off.count('/api/accounts/deviceauth/usercode')).toBe(1);
      } finally {
        await off.stop();
        await rm(offHome, { recursive: true, force: true });
      }
    });
  },
);
