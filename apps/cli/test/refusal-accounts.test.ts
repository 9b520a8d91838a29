import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, grantOf, signInAs, useAccountsSandbox } from './accounts-support.js';
import { runCli } from './helpers.js';

// A refused refresh of a saved account that is not active (issue 22 with issue 20's accounts):
// remembered in CODEX_HOME's one refusal file, for that account only.

const sandbox = useAccountsSandbox();

describe('a refused refresh of an inactive account', () => {
  it('is remembered for that account; the active one stays signed in', async () => {
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    sandbox.issuer.expireRefreshToken(grantOf(sandbox.issuer, ALICE.email).refreshTokens.at(-1)!);
    const refresh = await runCli(
      ['refresh', '--force', '--account', String(ALICE.email)],
      sandbox.env,
    );
    expect(refresh.code, refresh.stderr).toBe(1);

    const alice = await runCli(['status', '--json', '--account', String(ALICE.email)], sandbox.env);
    expect(alice.code, alice.stderr).toBe(1);
    expect(JSON.parse(alice.stdout)).toMatchObject({
      authenticated: false,
      email: ALICE.email,
      refreshRefused: { error: 'refresh_token_expired' },
    });
    const bob = await runCli(['status', '--json'], sandbox.env);
    expect(bob.code, bob.stderr).toBe(0);
    expect(JSON.parse(bob.stdout)).toMatchObject({ email: BOB.email, refreshRefused: null });

    // One file for the CODEX_HOME, none inside the account entries.
    expect(existsSync(join(sandbox.home, 'codex-oauth', 'refused-refresh.json'))).toBe(true);
    const entries = join(sandbox.home, 'codex-oauth', 'accounts');
    for (const key of await readdir(entries)) {
      expect(existsSync(join(entries, key, 'codex-oauth'))).toBe(false);
    }
  });
});
