import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeAccount, type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { cliEnv, removeDir, runCli, tempHome } from './helpers.js';

/** The two accounts of the multi-account tests (one issuer, `accountPerGrant`). */
export const ALICE: Partial<FakeAccount> = {
  email: 'alice@example.test',
  accountId: 'acct-alice-personal',
  planType: 'plus',
  userId: 'user-alice',
};
export const BOB: Partial<FakeAccount> = {
  email: 'bob@example.test',
  accountId: 'acct-bob-team',
  planType: 'team',
  userId: 'user-bob',
};

/** What each multi-account test gets: the issuer, a fresh CODEX_HOME, the CLI env, a clock skew. */
export interface AccountsSandbox {
  issuer: FakeIssuer;
  home: string;
  env: Record<string, string>;
  /** Milliseconds added to the issuer's clock: `-2h` mints tokens that are already expired. */
  skew: number;
}

/**
 * One fake issuer per file, binding each grant to the account it signed in as, so a test can
 * sign in Alice and Bob (`setAccount` between) and refresh both; a fresh CODEX_HOME per test.
 */
export function useAccountsSandbox(): AccountsSandbox {
  const sandbox = { skew: 0 } as AccountsSandbox;
  beforeAll(async () => {
    sandbox.issuer = await startFakeIssuer({
      registeredPorts: 'any',
      deviceAutoApprove: true,
      deviceInterval: '0',
      accountPerGrant: true,
      now: () => Date.now() + sandbox.skew,
    });
  });
  afterAll(() => sandbox.issuer.stop());
  beforeEach(async () => {
    sandbox.skew = 0;
    sandbox.home = await tempHome();
    sandbox.env = cliEnv(sandbox.home, { CODEX_OAUTH_ISSUER: sandbox.issuer.url });
  });
  afterEach(() => removeDir(sandbox.home));
  return sandbox;
}

/** Signs `account` in through the CLI (`login --flow device`, plus `extra` flags). */
export async function signInAs(
  sandbox: AccountsSandbox,
  account: Partial<FakeAccount>,
  extra: string[] = [],
): Promise<void> {
  sandbox.issuer.setAccount(account);
  const r = await runCli(['login', '--flow', 'device', ...extra], sandbox.env);
  expect(r.code, r.stderr).toBe(0);
}

/** `accounts --json`, parsed. */
export async function accountsJson(sandbox: AccountsSandbox) {
  const r = await runCli(['accounts', '--json'], sandbox.env);
  expect(r.stderr).not.toMatch(/Unexpected error/);
  return JSON.parse(r.stdout) as {
    accounts: {
      number: number;
      key: string;
      active: boolean;
      email: string | null;
      accountId: string | null;
      planType: string | null;
      health: string;
      problem: string | null;
      saved: boolean;
      path: string;
    }[];
    active: number | null;
    warnings: string[];
  };
}

/** The bytes of `auth.json`. */
export function authJson(home: string): Promise<string> {
  return readFile(join(home, 'auth.json'), 'utf8');
}

/** The email the id token of an `auth.json` text names. */
export function emailIn(text: string): string {
  const idToken = JSON.parse(text).tokens.id_token as string;
  return JSON.parse(Buffer.from(idToken.split('.')[1] as string, 'base64url').toString()).email;
}

/** The grant (sign-in) of `email` on the issuer; the last one when it signed in several times. */
export function grantOf(issuer: FakeIssuer, email: string | undefined) {
  const grants = issuer.issued.grants.filter((g) => g.account.email === email);
  const grant = grants.at(-1);
  if (!grant) throw new Error(`no grant for ${email}`);
  return grant;
}

/** Every token the issuer handed out: none may appear in output other than `token`'s. */
export function issuedSecrets(issuer: FakeIssuer): string[] {
  return issuer.issued.grants.flatMap((g) => [
    ...g.accessTokens,
    ...g.idTokens,
    ...g.refreshTokens,
  ]);
}
