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
    it('disk full: a refresh fails with CODEX_OAUTH_STORE_WRITE_FAILED, the old auth.json intact', async () => {
      const home = await tinyTmpfs(64);
      await login({ ...options(home), flow: 'browser' });
      const before = (await bytesOf(join(home, 'auth.json')))!;
      await fill(home);
      expect(await codeOf(refresh({ ...options(home), force: true }))).toBe(
        'CODEX_OAUTH_STORE_WRITE_FAILED',
      );
      expect((await bytesOf(join(home, 'auth.json')))!.equals(before)).toBe(true);
      expect(await temps(home)).toEqual([]);
      // The issuer did rotate before the save failed: the new tokens lived only in memory and are
      // gone, and the stored refresh token is a rotated one (its next use is reuse). See README.
      const grant = fake.issued.grants.at(-1)!;
      const stored = JSON.parse(before.toString('utf8')).tokens.refresh_token as string;
      const state = fake.issued.refreshTokens.get(stored)?.state;
      console.log(
        `disk full: issuer rotated ${grant.refreshCount}x; stored refresh token: ${state}`,
      );
      expect(state).toBe('rotated');
    });

    it('disk full: a sign-in fails with CODEX_OAUTH_STORE_WRITE_FAILED; the old auth.json (forceNew) intact', async () => {
      const home = await tinyTmpfs(64);
      await login({ ...options(home), flow: 'browser' });
      const before = (await bytesOf(join(home, 'auth.json')))!;
      await fill(home);
      expect(await codeOf(login({ ...options(home), flow: 'browser', forceNew: true }))).toBe(
        'CODEX_OAUTH_STORE_WRITE_FAILED',
      );
      expect((await bytesOf(join(home, 'auth.json')))!.equals(before)).toBe(true);
      expect(await temps(home)).toEqual([]);
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
