import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFileStore } from '../examples/json-file-store.js';
import { mapStore } from '../examples/map-store.js';
import { getAccessToken, login, logout, refresh, status } from '../src/session/index.js';
import type { TokenStore } from '../src/store/token-store.js';
import { describeTokenStore } from '../src/testing/describe-token-store.js';
import { makeTestJwt } from '../src/testing/test-records.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

// The two stores of the README's "Write your own store", written only from it: they must pass
// the suite and carry a whole session through the `store` option.
const root = mkdtempSync(join(tmpdir(), 'codex-oauth-example-stores-'));
const fileOf = (id: string) => join(root, `${id}.json`);
afterAll(() => rm(root, { recursive: true, force: true }));

describeTokenStore({ name: 'README example: mapStore', create: ({ id }) => mapStore(id) });
describeTokenStore({
  name: 'README example: jsonFileStore',
  create: ({ id }) => jsonFileStore(fileOf(id)),
  cleanup: ({ id }) => rm(fileOf(id), { force: true }),
  inspect: ({ id }) => readFile(fileOf(id), 'utf8').catch(() => null),
  plantUnreadable: ({ id }, data) => writeFile(fileOf(id), data),
});

it('the README shows both examples exactly as they are compiled and tested here', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const file of ['map-store.ts', 'json-file-store.ts']) {
    const source = await readFile(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    expect(readme.includes(source.trim()), `README.md lacks examples/${file} as it is`).toBe(true);
  }
});

/** Replaces the stored access token with one that expired, keeping the refresh token valid. */
async function expireAccessToken(store: TokenStore): Promise<void> {
  const record = await store.load();
  if (!record?.tokens) throw new Error('nothing stored');
  const expired = makeTestJwt({ exp: Math.floor(Date.now() / 1000) - 60 });
  await store.save({ ...record, tokens: { ...record.tokens, accessToken: expired } });
}

describe.each([
  ['map', () => mapStore(`session-${Math.random()}`), false],
  ['json-file', () => jsonFileStore(join(root, `session-${Math.random()}.json`)), true],
] as const)('a session through the README example %s store', (kind, make, persistent) => {
  let fake: FakeIssuer;
  let home: TempHome;
  useIssuerAndHome((sandbox) => {
    ({ fake, home } = sandbox);
  });

  it('login, status, getAccessToken x20 (one refresh), refresh, logout', async () => {
    const store = make();
    const opts = { ...baseOptions(fake, home.dir), store };
    const signedIn = await login(opts);
    expect(signedIn).toMatchObject({
      flowUsed: 'browser_code',
      storageUsed: kind,
      persisted: persistent,
    });
    expect(await status(opts)).toMatchObject({ authenticated: true, storageUsed: kind });

    await expireAccessToken(store);
    expect((await status(opts)).needsRefresh).toBe(true);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => getAccessToken(opts)));
    const grant = fake.issued.grants[0];
    expect(grant?.refreshCount, '20 concurrent getAccessToken calls, one refresh request').toBe(1);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(
      new Set([grant?.accessTokens[1]]),
    );

    const forced = await refresh({ ...opts, force: true });
    expect(forced.needsRefresh).toBe(false);
    expect(grant?.refreshCount).toBe(2);

    await logout(opts);
    expect(await store.load()).toBeNull();
    expect(fake.count('/oauth/revoke')).toBe(1);
    expect((await status(opts)).authenticated).toBe(false);
    // The store option wins: nothing went to the CODEX_HOME of the options.
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(false);
  });
});
