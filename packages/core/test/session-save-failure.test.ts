import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { CodexOAuthError, ErrorCodes } from '../src/model/errors.js';
import { getAccessToken, login } from '../src/session/index.js';
import { defineTokenStore } from '../src/store/define-token-store.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

let fake: FakeIssuer;
let home: TempHome;
// Sign-ins mint 60-second tokens, due at once under a 5-minute refresh window.
useIssuerAndHome(
  (sandbox) => {
    ({ fake, home } = sandbox);
  },
  { issuer: { accessTokenTtlSeconds: 60, refreshedAccessTokenTtlSeconds: 3600 } },
);

const STORE_SAID = 'Could not write the vault (ENOSPC). Free some space, then try again.';

/** A custom store whose writes fail, as any store's do on a full disk, once `full` is set. */
function fillableStore() {
  let text: string | null = null;
  const state = { full: false };
  const store = defineTokenStore({
    kind: 'vault',
    async read() {
      return text;
    },
    async write(value, expected) {
      if (state.full) throw new CodexOAuthError(ErrorCodes.STORE_WRITE_FAILED, STORE_SAID);
      if (expected !== undefined && text !== expected) return false;
      text = value;
      return true;
    },
    async remove() {
      const had = text !== null;
      text = null;
      return had;
    },
  });
  return { store, state };
}

describe('a refresh whose save fails', () => {
  it('says the stored refresh token is retired and to sign in again, not to try again', async () => {
    const { store, state } = fillableStore();
    const opts = { ...baseOptions(fake, home.dir), store, refreshWindowMs: 300_000 };
    await login(opts);
    state.full = true;
    const failure = await getAccessToken(opts).catch((error: unknown) => error);
    // The issuer did rotate: the stored token is now spent.
    expect(fake.issued.grants[0]?.refreshCount).toBe(1);
    expect(failure).toBeInstanceOf(CodexOAuthError);
    expect(failure).toMatchObject({ code: ErrorCodes.STORE_WRITE_FAILED });
    const { message, cause } = failure as CodexOAuthError;
    expect(message).toContain('the issuer has retired the stored refresh token');
    expect(message).toContain('sign in again');
    expect(message).toContain(`The store said: ${STORE_SAID}`);
    expect((cause as CodexOAuthError).message).toBe(STORE_SAID);
    for (const token of fake.issued.grants[0]?.refreshTokens ?? []) {
      expect(message).not.toContain(token);
    }
  });

  it("a sign-in's failed save is the store's own error: nothing was retired", async () => {
    const { store, state } = fillableStore();
    state.full = true;
    const failure = await login({ ...baseOptions(fake, home.dir), store }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: ErrorCodes.STORE_WRITE_FAILED, message: STORE_SAID });
  });
});
