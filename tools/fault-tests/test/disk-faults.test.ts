import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { login, refresh } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountSkipReason, remount, tinyTmpfs, unmountAll } from './helpers/mounts.js';
import { bytesOf, codeOf, refreshRequests, sessionOptions } from './helpers/session.js';

// Real mechanisms: a 64 KiB tmpfs filled to the last block, and a tmpfs remounted read-only.
const skip = mountSkipReason();
if (skip) console.log(`disk-full / read-only tests skipped: ${skip}`);

let fake: FakeIssuer;
beforeAll(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterAll(async () => {
  await unmountAll(); // even when a test failed
  await fake?.stop();
});

/** Writes a filler file until the file system answers ENOSPC. */
async function fill(dir: string): Promise<void> {
  const handle = await open(join(dir, 'filler'), 'w');
  try {
    for (let i = 0; i < 1024; i++) await handle.write(Buffer.alloc(4096, 1));
    throw new Error('the tmpfs never filled up');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

const temps = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith('.auth-'));
const options = (home: string) => sessionOptions(fake, { codexHome: home, storage: 'file' });

describe.skipIf(skip !== null)(
  `disk full and read-only CODEX_HOME${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    // The issuer rotates before the save: a save that failed here used to leave auth.json with a
    // retired refresh token (the next refresh revoked the grant). store-file now rewrites the
    // file in the blocks it already holds when the atomic write finds no space (its README).
    it('disk full: a refresh keeps the sign-in, auth.json rewritten in place with the new tokens', async () => {
      const home = await tinyTmpfs(64);
      await login({ ...options(home), flow: 'browser' });
      const before = (await bytesOf(join(home, 'auth.json')))!;
      await fill(home);
      await refresh({ ...options(home), force: true });
      const after = (await bytesOf(join(home, 'auth.json')))!;
      expect(after.equals(before)).toBe(false);
      expect(await temps(home)).toEqual([]);
      const grant = fake.issued.grants.at(-1)!;
      expect(grant.refreshCount).toBe(1);
      const stored = JSON.parse(after.toString('utf8')).tokens.refresh_token as string;
      expect(stored === grant.refreshTokens.at(-1)).toBe(true);
      expect(fake.issued.refreshTokens.get(stored)?.state).toBe('live');
    });

    it('disk full: a new sign-in (forceNew) replaces auth.json in place', async () => {
      const home = await tinyTmpfs(64);
      await login({ ...options(home), flow: 'browser' });
      await fill(home);
      await login({ ...options(home), flow: 'browser', forceNew: true });
      const stored = JSON.parse((await bytesOf(join(home, 'auth.json')))!.toString('utf8'));
      expect(stored.tokens.refresh_token === fake.issued.grants.at(-1)!.refreshTokens[0]).toBe(
        true,
      );
      expect(await temps(home)).toEqual([]);
    });

    it('disk full: a refused refresh is reported as refused and leaves no temp file', async () => {
      const home = await tinyTmpfs(64);
      await login({ ...options(home), flow: 'browser' });
      const stored = JSON.parse((await bytesOf(join(home, 'auth.json')))!.toString('utf8'));
      fake.expireRefreshToken(stored.tokens.refresh_token);
      await fill(home);
      // The refusal memory (codex-oauth/refused-refresh.json) cannot be written here; the
      // refusal itself must still be what the caller gets, and its temp file must not stay.
      expect(await codeOf(refresh({ ...options(home), force: true }))).toBe(
        'CODEX_OAUTH_REFRESH_REJECTED',
      );
      const left = await readdir(home, { recursive: true });
      expect(left.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });

    it('disk full, empty CODEX_HOME: a sign-in fails typed and leaves no auth.json', async () => {
      const home = await tinyTmpfs(64);
      await fill(home);
      expect(await codeOf(login({ ...options(home), flow: 'browser' }))).toBe(
        'CODEX_OAUTH_STORE_WRITE_FAILED',
      );
      expect(await bytesOf(join(home, 'auth.json'))).toBeNull();
      expect(await temps(home)).toEqual([]);
    });

    it('read-only CODEX_HOME: a refresh is refused and the old auth.json stays intact', async () => {
      const home = await tinyTmpfs(256);
      await login({ ...options(home), flow: 'browser' });
      const before = (await bytesOf(join(home, 'auth.json')))!;
      const sent = refreshRequests(fake).length;
      remount(home, false);
      try {
        const code = await codeOf(refresh({ ...options(home), force: true }));
        console.log(`read-only CODEX_HOME: refresh rejected with ${code}`);
        expect(code).toBeDefined();
        expect((await bytesOf(join(home, 'auth.json')))!.equals(before)).toBe(true);
        expect(refreshRequests(fake).length).toBe(sent); // refused before any request: grant safe
      } finally {
        remount(home, true);
      }
    });

    // Found here: opening the lock file on a read-only home used to let a raw EROFS escape.
    it('read-only CODEX_HOME: the error is CODEX_OAUTH_STORE_WRITE_FAILED', async () => {
      const home = await tinyTmpfs(256);
      await login({ ...options(home), flow: 'browser' });
      remount(home, false);
      try {
        expect(await codeOf(refresh({ ...options(home), force: true }))).toBe(
          'CODEX_OAUTH_STORE_WRITE_FAILED',
        );
      } finally {
        remount(home, true);
      }
    });
  },
);
