import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { memoryStore } from '@codex-oauth/store-memory';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { getAccessToken, login, refresh, status } from '../src/session/index.js';
import type { FetchLike } from '../src/transport/http.js';
import {
  baseOptions,
  probes,
  recorder,
  type TempHome,
  useIssuerAndHome,
} from './helpers/session-fixtures.js';

const WINDOW = { refreshWindowMs: 300_000 };
let fake: FakeIssuer;
let home: TempHome;
// Sign-ins mint 60-second tokens, due at once under the explicit 5-minute window these tests
// set (WINDOW); refreshed ones live an hour. The default window is tested in claims.test.ts.
useIssuerAndHome(
  (sandbox) => {
    ({ fake, home } = sandbox);
  },
  {
    issuer: { accessTokenTtlSeconds: 60, refreshedAccessTokenTtlSeconds: 3600 },
    signOutMemory: true,
  },
);

describe.each(['file', 'memory'] as const)('refresh coordination, storage %s', (storage) => {
  const opts = (extra = {}) => ({ ...baseOptions(fake, home.dir), storage, ...WINDOW, ...extra });

  it('login with a due token refreshes instead of signing in again', async () => {
    await login(opts());
    expect((await status(opts())).needsRefresh).toBe(true);
    const { events, onEvent } = recorder();
    const again = await login(opts({ onEvent }));
    expect(again.flowUsed).toBe('stored');
    expect(fake.issued.grants).toHaveLength(1);
    expect(fake.issued.grants[0]?.refreshCount).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['refreshed']);
    const refreshBody = fake.requests.filter((r) => r.path === '/oauth/token').at(-1)?.json;
    expect(refreshBody).toMatchObject({
      grant_type: 'refresh_token',
      refresh_reason: 'proactive_expiry',
    });
    expect((await status(opts())).needsRefresh).toBe(false);
  });

  it('concurrent getAccessToken calls share one refresh', async () => {
    await login(opts());
    const tokens = await Promise.all(Array.from({ length: 8 }, () => getAccessToken(opts())));
    const grant = fake.issued.grants[0]!;
    expect(grant.refreshCount).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set([grant.accessTokens[1]]));
    expect(tokens[0]?.accountId).toBe((await status(opts())).accountId);
  });

  it('a rejected refresh in a non-interactive place throws the rejection, not a login attempt', async () => {
    await login(opts());
    fake.expireRefreshToken(fake.issued.grants[0]!.refreshTokens[0]!);
    await expect(login(opts({ environment: probes('ci') }))).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
      error: 'refresh_token_expired',
    });
    await expect(getAccessToken(opts())).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
    });
  });

  it('a rejected refresh where someone can sign in leads to a new sign-in, with a warning', async () => {
    await login(opts());
    fake.revokeGrantOf(fake.issued.grants[0]!.refreshTokens[0]!);
    const again = await login(opts());
    expect(again.flowUsed).toBe('browser_code');
    expect(again.warnings.join('\n')).toContain('refresh_token_invalidated');
  });
});

describe('refresh_token_reused', { timeout: 15_000 }, () => {
  it('re-reads the store and adopts the tokens another process saved', async () => {
    const store = memoryStore();
    const opts = { ...baseOptions(fake, home.dir), store, ...WINDOW };
    await login(opts);
    const first = await store.load();
    // A fetch that lets "another process" rotate the token (and save it) just before ours goes out.
    let raced = false;
    const racingFetch: FetchLike = async (url, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (!raced && body.includes('"grant_type":"refresh_token"')) {
        raced = true;
        const theirs = await fetch(url, {
          method: 'POST',
          headers: init?.headers as HeadersInit,
          body,
        });
        const json = (await theirs.json()) as {
          id_token: string;
          access_token: string;
          refresh_token: string;
        };
        await store.save({
          ...first!,
          tokens: {
            ...first!.tokens!,
            accessToken: json.access_token,
            refreshToken: json.refresh_token,
          },
        });
      }
      return fetch(url, init as RequestInit);
    };
    const token = await getAccessToken({ ...opts, fetch: racingFetch });
    const saved = await store.load();
    expect(token.accessToken).toBe(saved?.tokens?.accessToken);
    expect(saved?.tokens?.refreshToken).not.toBe(first?.tokens?.refreshToken);
    expect(fake.count('/oauth/token')).toBe(3); // the exchange, theirs, ours (rejected as reused)
  });

  it.each([
    ['refresh_token_reused', false],
    ['refresh_token_invalidated', true],
  ] as const)(
    '%s: adopts a rotation saved only once our lock is released (how Codex writes)',
    async (_code, revokeFirst) => {
      // The Codex CLI sends its refresh before taking any lock, then waits for auth.lock to write
      // the answer. Played here with the store's own lock: "Codex" spends the token just before
      // ours goes out and queues its save behind the lock our refresh holds.
      const store = memoryStore();
      const opts = { ...baseOptions(fake, home.dir), store, ...WINDOW };
      await login(opts);
      const first = (await store.load())!;
      let theirSave: Promise<void> | undefined;
      const racingFetch: FetchLike = async (url, init) => {
        const body = typeof init?.body === 'string' ? init.body : '';
        if (theirSave === undefined && body.includes('"grant_type":"refresh_token"')) {
          const theirs = await fetch(url, {
            method: 'POST',
            headers: init?.headers as HeadersInit,
            body,
          });
          const json = (await theirs.json()) as { access_token: string; refresh_token: string };
          // A third process spends the old token too: the reuse revokes the grant, so ours is
          // then answered `refresh_token_invalidated`.
          if (revokeFirst)
            await fetch(url, { method: 'POST', headers: init?.headers as HeadersInit, body });
          theirSave = store.withLock(() =>
            store.save({
              ...first,
              tokens: {
                ...first.tokens!,
                accessToken: json.access_token,
                refreshToken: json.refresh_token,
              },
            }),
          );
        }
        return fetch(url, init as RequestInit);
      };
      const token = await getAccessToken({ ...opts, fetch: racingFetch });
      await theirSave;
      const saved = await store.load();
      expect(saved?.tokens?.refreshToken).not.toBe(first.tokens?.refreshToken);
      expect(token.accessToken).toBe(saved?.tokens?.accessToken);
      const refreshes = fake.requests.filter(
        (r) =>
          r.path === '/oauth/token' &&
          (r.json as { grant_type?: string })?.grant_type === 'refresh_token',
      );
      // Theirs, (the third spender's,) then ours.
      expect(refreshes.map((r) => r.status)).toEqual(revokeFirst ? [200, 401, 401] : [200, 401]);
    },
  );

  it('without a rotation elsewhere, reuse is a rejection after the bounded wait: sign in again', async () => {
    const store = memoryStore();
    const opts = { ...baseOptions(fake, home.dir), store, ...WINDOW };
    await login(opts);
    const rt = (await store.load())!.tokens!.refreshToken;
    // The token was used behind our back and the result never stored.
    await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        grant_type: 'refresh_token',
        refresh_token: rt,
      }),
    }).then((r) => r.text());
    await expect(refresh({ ...opts, force: true })).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
      error: 'refresh_token_reused',
    });
  });
});
