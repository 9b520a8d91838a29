import { getAccessToken, login, status } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, expect, it } from 'vitest';
import { refreshRequests, sessionOptions, tempHome } from './helpers/session.js';

// The issuer's clock is offset from ours. Our refresh decision follows the access token's `exp`
// against OUR clock (SPEC §4: due within 5 minutes), whatever the issuer thinks the time is.
const HOUR = 3_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function skewed(offsetMs: number): Promise<{ fake: FakeIssuer; home: string }> {
  const fake = await startFakeIssuer({
    registeredPorts: 'any',
    accessTokenTtlSeconds: 3600,
    now: () => Date.now() + offsetMs,
  });
  const home = await tempHome('codex-oauth-skew-');
  cleanups.push(() => fake.stop(), home.cleanup);
  await login(sessionOptions(fake, { codexHome: home.dir, flow: 'browser', storage: 'file' }));
  return { fake, home: home.dir };
}

it('issuer 2 h ahead: a token issued "in the future" is used as is, no refresh', async () => {
  const { fake, home } = await skewed(2 * HOUR);
  const options = sessionOptions(fake, { codexHome: home, storage: 'file' });
  const state = await status(options);
  expect(state.authenticated).toBe(true);
  expect(state.needsRefresh).toBe(false);
  const { accessToken } = await getAccessToken(options);
  expect(accessToken === fake.issued.grants[0]!.accessTokens[0]).toBe(true);
  expect(refreshRequests(fake)).toHaveLength(0);
});

it('issuer 55 min behind: a token with 5 min left on our clock is refreshed (SPEC §4 window)', async () => {
  const { fake, home } = await skewed(-55 * 60_000);
  const options = sessionOptions(fake, { codexHome: home, storage: 'file' });
  expect((await status(options)).needsRefresh).toBe(true);
  await getAccessToken(options);
  expect(refreshRequests(fake)).toHaveLength(1);
});

it('issuer 2 h behind: tokens expired at issue -> one refresh per call, never a loop', async () => {
  const { fake, home } = await skewed(-2 * HOUR);
  const options = sessionOptions(fake, { codexHome: home, storage: 'file' });
  expect((await status(options)).needsRefresh).toBe(true);
  // The first use refreshes once and returns the (still expired) new token rather than retrying.
  const first = await getAccessToken(options);
  const grant = fake.issued.grants[0]!;
  expect(refreshRequests(fake)).toHaveLength(1);
  expect(first.accessToken === grant.accessTokens[1]).toBe(true);
  // Every later call finds the token due again: each makes at most one request (bounded).
  const CALLS = 3;
  for (let call = 0; call < CALLS; call++) await getAccessToken(options);
  const extra = refreshRequests(fake).length - 1;
  console.log(`issuer 2 h behind: ${CALLS} more getAccessToken calls sent ${extra} refreshes`);
  expect(extra).toBeLessThanOrEqual(CALLS);
  expect(grant.revoked).toBeNull();
});
