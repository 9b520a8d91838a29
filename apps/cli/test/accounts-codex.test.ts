/**
 * Several accounts and the real Codex CLI 0.169 on one CODEX_HOME, offline (`unshare -n`, only
 * the fake issuer's port bridged in). Codex's `login status` does not print whose session it
 * holds, so "Codex uses the switched account" is shown by what Codex does: it accepts auth.json
 * and its refresh sends the switched account's refresh token and writes that account's tokens.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { codexSkipReason, runCodex, spawnCodex } from '@codex-oauth/test-support/codex-cli';
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  accountsJson,
  authJson,
  BOB,
  emailIn,
  grantOf,
  signInAs,
  useAccountsSandbox,
} from './accounts-support.js';
import { runCli } from './helpers.js';

const skip = codexSkipReason();
const TWO_HOURS = 2 * 3600_000;

describe.skipIf(skip)(
  `the real Codex CLI follows codex-oauth switch${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    const sandbox = useAccountsSandbox();
    const codexEnv = () => ({
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${sandbox.issuer.url}/oauth/token`,
      CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${sandbox.issuer.url}/oauth/revoke`,
    });
    const codex = (args: string[]) =>
      runCodex(args, {
        codexHome: sandbox.home,
        forwardPorts: [sandbox.issuer.port],
        timeoutMs: 45_000,
        env: codexEnv(),
      });
    /** Whether `token` is the refresh token of auth.json or of any account entry. */
    const onDisk = async (token: string | undefined) => {
      const dir = join(sandbox.home, 'codex-oauth', 'accounts');
      const files = [
        join(sandbox.home, 'auth.json'),
        ...(await readdir(dir).catch(() => [])).map((key) => join(dir, key, 'auth.json')),
      ];
      for (const file of files) {
        const text = await readFile(file, 'utf8').catch(() => null);
        if (text !== null && JSON.parse(text).tokens?.refresh_token === token) return true;
      }
      return false;
    };
    /**
     * `codex doctor` refreshes an expired access token first, then goes on with checks that wait
     * on the (absent) network. The issuer's clock is put right first, so the tokens Codex gets are
     * fresh and it refreshes once; it is stopped once that refresh is answered and its new refresh
     * token is on disk (in auth.json, or in the entry a switch saved it to).
     */
    const codexRefresh = async (email: string | undefined) => {
      sandbox.skew = 0;
      const grant = grantOf(sandbox.issuer, email);
      const before = grant.refreshCount;
      const doctor = await spawnCodex(['doctor', '--summary'], {
        codexHome: sandbox.home,
        forwardPorts: [sandbox.issuer.port],
        env: codexEnv(),
      });
      try {
        for (let polls = 0; ; polls++) {
          if (grant.refreshCount > before && (await onDisk(grant.refreshTokens.at(-1)))) return;
          // Bounded so that a token Codex never wrote fails here, with a reason, not by timeout.
          if (polls > 600) {
            throw new Error(
              `Codex's new refresh token for ${email} never reached the disk:\n${doctor.stderrText()}`,
            );
          }
          await sleep(50);
        }
      } finally {
        await doctor.stop();
      }
    };
    const refreshes = (from: number) =>
      sandbox.issuer.requests
        .slice(from)
        .filter((r) => r.path === '/oauth/token')
        .map((r) => ({
          sender: String(r.headers['user-agent']).startsWith('codex_cli_rs/') ? 'codex' : 'ours',
          token: (r.json as { refresh_token?: string } | undefined)?.refresh_token,
          status: r.status,
          body: r.body,
        }));
    const switchTo = async (who: string) => {
      const r = await runCli(['switch', who], sandbox.env);
      expect(r.code, r.stderr).toBe(0);
    };
    const loginStatus = async () => {
      const r = await codex(['login', 'status']);
      expect(r.code, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Logged in using ChatGPT/);
    };

    it('Codex uses the switched account, and switching away and back keeps its newest tokens', async () => {
      // Tokens minted on a clock two hours behind are expired, so Codex refreshes them.
      sandbox.skew = -TWO_HOURS;
      await signInAs(sandbox, ALICE);
      await signInAs(sandbox, BOB, ['--add']);
      const alice = grantOf(sandbox.issuer, ALICE.email);
      const bob = grantOf(sandbox.issuer, BOB.email);

      await switchTo(String(ALICE.email));
      await loginStatus();
      expect(emailIn(await authJson(sandbox.home))).toBe(ALICE.email);

      // Codex refreshes the active account (Alice) and writes its own auth.json.
      let seen = sandbox.issuer.requests.length;
      await codexRefresh(ALICE.email);
      const first = refreshes(seen);
      expect(first.length).toBeGreaterThanOrEqual(1);
      expect(first.every((r) => r.sender === 'codex' && r.status === 200)).toBe(true);
      expect(first[0]?.token).toBe(alice.refreshTokens[0]);
      const codexBytes = await authJson(sandbox.home);
      expect(JSON.parse(codexBytes).tokens.refresh_token).toBe(alice.refreshTokens.at(-1));
      expect(emailIn(codexBytes)).toBe(ALICE.email);

      // Away to Bob: what Codex wrote is saved, byte for byte, as Alice's entry.
      await switchTo(String(BOB.email));
      await loginStatus();
      expect(emailIn(await authJson(sandbox.home))).toBe(BOB.email);
      const aliceKey = (await accountsJson(sandbox)).accounts.find(
        (a) => a.email === ALICE.email,
      )!.key;
      const entry = join(sandbox.home, 'codex-oauth', 'accounts', aliceKey, 'auth.json');
      expect(await readFile(entry, 'utf8')).toBe(codexBytes);

      // Codex refreshes Bob now: it is Bob's token that it sends.
      seen = sandbox.issuer.requests.length;
      await codexRefresh(BOB.email);
      const forBob = refreshes(seen);
      expect(forBob[0]?.token).toBe(bob.refreshTokens[0]);
      expect(forBob.every((r) => r.status === 200)).toBe(true);

      // And back: auth.json is exactly what Codex last wrote for Alice, and its refresh token is
      // the live one (our forced refresh, on the slow clock so Codex has to refresh again after).
      await switchTo('1');
      expect(await authJson(sandbox.home)).toBe(codexBytes);
      seen = sandbox.issuer.requests.length;
      sandbox.skew = -TWO_HOURS;
      const ours = await runCli(['refresh', '--force'], sandbox.env);
      expect(ours.code, ours.stderr).toBe(0);
      expect(refreshes(seen)[0]?.token).toBe(JSON.parse(codexBytes).tokens.refresh_token);
      seen = sandbox.issuer.requests.length;
      await codexRefresh(ALICE.email);
      expect(refreshes(seen)[0]?.sender).toBe('codex');
      const token = await runCli(['token'], sandbox.env);
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout.trim()).toBe(alice.accessTokens.at(-1));

      const all = refreshes(0);
      expect(all.some((r) => r.body.includes('refresh_token_reused'))).toBe(false);
      expect(all.every((r) => r.status === 200)).toBe(true);
      expect(alice.revoked).toBeNull();
      expect(bob.revoked).toBeNull();
      // Bob's entry holds what Codex wrote for him, and `token --account` hands it out.
      const bobToken = await runCli(['token', '--account', String(BOB.email)], sandbox.env);
      expect(bobToken.code, bobToken.stderr).toBe(0);
      expect(bobToken.stdout.trim()).toBe(bob.accessTokens.at(-1));
      expect(bob.revoked).toBeNull();
    });

    it('a switch while Codex is refreshing the account it switches away from loses neither', async () => {
      sandbox.skew = -TWO_HOURS; // Alice's tokens are expired, Bob's fresh: Codex refreshes Alice
      await signInAs(sandbox, ALICE);
      sandbox.skew = 0;
      await signInAs(sandbox, BOB, ['--add']);
      await switchTo(String(ALICE.email));
      const alice = grantOf(sandbox.issuer, ALICE.email);
      const bob = grantOf(sandbox.issuer, BOB.email);
      // Hold Codex's refresh answer back (1 s, well inside the switch's 3 s grace) while we
      // switch to Bob: Codex read Alice before the switch and writes after it has started (Codex
      // takes no lock across its refresh). Without the grace Codex drops Alice's new tokens,
      // finding Bob in auth.json, and her entry keeps a rotated refresh token.
      sandbox.issuer.inject({ path: '/oauth/token', kind: 'delay', ms: 1_000 });
      const seen = sandbox.issuer.requests.length;
      const refreshing = codexRefresh(ALICE.email);
      while (!sandbox.issuer.requests.slice(seen).some((r) => r.path === '/oauth/token')) {
        await sleep(20);
      }
      await switchTo(String(BOB.email));
      await refreshing;

      // Each account's newest refresh token is where the account now lives, and both still work.
      const listed = await accountsJson(sandbox);
      for (const [email, grant] of [
        [ALICE.email, alice],
        [BOB.email, bob],
      ] as const) {
        const account = listed.accounts.find((a) => a.email === email)!;
        const text = await readFile(account.path, 'utf8');
        expect(JSON.parse(text).tokens.refresh_token, `${email} lost its newest token`).toBe(
          grant.refreshTokens.at(-1),
        );
      }
      sandbox.skew = 0;
      for (const email of [ALICE.email, BOB.email]) {
        const r = await runCli(['token', '--account', String(email)], sandbox.env);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(alice.revoked).toBeNull();
      expect(bob.revoked).toBeNull();
    });
  },
);
