/**
 * The real Codex CLI (0.169 and 0.171) and codex-oauth on ONE keyring entry, both ways round,
 * against the fake issuer and a private Secret Service. Codex runs under `unshare -n` (loopback
 * only; the issuer's port is bridged in, the D-Bus socket is a file), so nothing leaves the machine.
 *
 * The issuer's clock is injected (`skew`): tokens minted while it runs two hours behind are
 * already expired by the real clock both programs read, so nothing waits for an expiry.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getAccessToken, login, refresh, status } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { codexSkipReason } from '@codex-oauth/test-support/codex-cli';
import { codexReleases, runCodexBinary } from '@codex-oauth/test-support/codex-versions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringAccount } from '../src/index.js';
import { rawEntry } from './raw-entry.js';
import { skipReason, titled, useSecretService } from './secret-service-env.js';

const skip = skipReason ?? codexSkipReason();
const releases = skip ? [] : codexReleases();
const ACCOUNT = { email: 'keyring@example.test', accountId: 'acct-keyring-0001', planType: 'plus' };
const TWO_HOURS = 2 * 3600_000;
const ENV = {
  CODEX_HOME: undefined,
  CODEX_OAUTH_ISSUER: undefined,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
  CODEX_REVOKE_TOKEN_URL_OVERRIDE: undefined,
};

const { service, root } = useSecretService();
let fake: FakeIssuer;
let skew = 0;
beforeAll(async () => {
  if (skip) return;
  fake = await startFakeIssuer({
    account: ACCOUNT,
    deviceAutoApprove: true,
    deviceInterval: '0',
    now: () => Date.now() + skew,
  });
});
afterAll(() => fake?.stop());

/** A CODEX_HOME whose config.toml tells Codex (and `storage: 'auto'`) to use the keyring. */
async function keyringHome(name: string): Promise<string> {
  const home = join(root, name);
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
  return home;
}
const ours = (codexHome: string) => ({ codexHome, issuer: fake.url, env: ENV });
const refreshes = (from: number, sender: string) =>
  fake.requests
    .slice(from)
    .filter(
      (r) =>
        r.path === '/oauth/token' &&
        (r.json as { grant_type?: string })?.grant_type === 'refresh_token' &&
        String(r.headers['user-agent']).startsWith(sender),
    );
const readEntry = (home: string) => rawEntry(home).getPassword();
/** The lines `secret-tool search` prints for the one item of `account`. */
const itemOf = (search: string, account: string) =>
  search.split(/^\[/m).find((item) => item.includes(`attribute.username = ${account}\n`)) ?? '';

describe.skipIf(skip || releases.length === 0)(
  titled(`Codex CLI <-> codex-oauth on one keyring entry${skip ? ` (skipped: ${skip})` : ''}`),
  { timeout: 90_000 },
  () => {
    for (const { version, binary } of releases) {
      const codex = (home: string, args: string[], env: Record<string, string> = {}) =>
        runCodexBinary(binary, args, {
          codexHome: home,
          forwardPorts: [fake.port],
          timeoutMs: 60_000,
          env: { DBUS_SESSION_BUS_ADDRESS: service().address, ...env },
        });

      it(`Codex ${version} signs in to the keyring; our status, token and refresh use that entry`, async () => {
        const home = await keyringHome(`codex-login-${version}`);
        const signIn = await codex(home, [
          'login',
          '--device-auth',
          '--experimental_issuer',
          fake.url,
        ]);
        expect(signIn.code, signIn.stderr).toBe(0);
        expect(existsSync(join(home, 'auth.json'))).toBe(false);
        // Codex's own item: the attributes keyring-rs gives it, under our computed account.
        const items = await service().search('Codex Auth');
        expect(items).toContain(`attribute.username = ${keyringAccount(home)}`);
        expect(items).toContain('attribute.application = rust-keyring');
        expect(items).toContain('attribute.target = default');
        const codexEntry = JSON.parse((await readEntry(home)) as string);

        const seen = fake.requests.length;
        const read = await status(ours(home));
        expect(fake.requests.length).toBe(seen);
        expect(read).toMatchObject({
          authenticated: true,
          storageUsed: 'keyring',
          email: ACCOUNT.email,
          accountId: ACCOUNT.accountId,
          needsRefresh: false,
        });
        const token = await getAccessToken(ours(home));
        expect(token.accessToken).toBe(codexEntry.tokens.access_token);
        expect(fake.requests.length).toBe(seen);

        await refresh({ ...ours(home), force: true });
        expect(refreshes(seen, 'codex-oauth/')).toHaveLength(1);
        const after = JSON.parse((await readEntry(home)) as string);
        // Same keys in the same order, Codex's extras kept; new tokens.
        expect(Object.keys(after)).toEqual(Object.keys(codexEntry));
        expect(Object.keys(after.tokens)).toEqual(Object.keys(codexEntry.tokens));
        expect(after.tokens.oauth_provenance).toEqual(codexEntry.tokens.oauth_provenance);
        expect(after.tokens.refresh_token).not.toBe(codexEntry.tokens.refresh_token);
        expect(existsSync(join(home, 'auth.json'))).toBe(false);
        // Codex still reads it after our write.
        const check = await codex(home, ['login', 'status']);
        expect(`${check.stdout}${check.stderr}`).toMatch(/Logged in using ChatGPT/);
      });

      it(`we sign in to the keyring; Codex ${version} reads it and refreshes it, and we read that`, async () => {
        const home = await keyringHome(`our-login-${version}`);
        skew = -TWO_HOURS; // our sign-in's access token is born expired
        const result = await login({ ...ours(home), flow: 'device', interactive: true });
        skew = 0;
        expect(result).toMatchObject({ storageUsed: 'keyring', email: ACCOUNT.email });
        expect(existsSync(join(home, 'auth.json'))).toBe(false);
        // The item we created carries the attributes Codex's own items carry.
        const item = itemOf(await service().search('Codex Auth'), keyringAccount(home));
        expect(item).toContain('attribute.application = rust-keyring');
        expect(item).toContain('attribute.service = Codex Auth');
        expect(item).toContain('attribute.target = default');

        const loggedIn = await codex(home, ['login', 'status']);
        expect(loggedIn.code, loggedIn.stderr).toBe(0);
        expect(`${loggedIn.stdout}${loggedIn.stderr}`).toMatch(/Logged in using ChatGPT/);

        const ourRefresh = JSON.parse((await readEntry(home)) as string).tokens.refresh_token;
        const seen = fake.requests.length;
        // A login we wrote has no oauth_provenance: Codex needs the override to find the fake.
        await codex(home, ['doctor', '--summary'], {
          CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token`,
        });
        const sent = refreshes(seen, 'codex_cli_rs/');
        expect(sent.length).toBeGreaterThanOrEqual(1);
        expect((sent[0]?.json as { refresh_token?: string } | undefined)?.refresh_token).toBe(
          ourRefresh,
        );
        expect(sent.every((r) => r.status === 200)).toBe(true);
        expect(existsSync(join(home, 'auth.json'))).toBe(false);

        const grant = fake.issued.grants.at(-1);
        const entry = JSON.parse((await readEntry(home)) as string);
        expect(entry.tokens.refresh_token).toBe(grant?.refreshTokens.at(-1));
        const back = await status(ours(home));
        expect(back).toMatchObject({
          authenticated: true,
          storageUsed: 'keyring',
          needsRefresh: false,
        });
        // Codex updated the item in place: still exactly one for this account.
        const count = (await service().search('Codex Auth')).split(
          `attribute.username = ${keyringAccount(home)}\n`,
        ).length;
        expect(count).toBe(2);
      });
    }
  },
);
