import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '@codex-oauth/core';
import { makeApiKeyRecord, makeTestJwt, makeTestRecord } from '@codex-oauth/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStore, lockBackend } from '../src/index.js';
import { holdWithFlockCommand } from './children.js';

const CODEX = new URL('./fixtures/codex-0.169/', import.meta.url);
const DAMAGED = new URL('./fixtures/damaged/', import.meta.url);
const fixture = (name: string) => readFile(new URL(name, CODEX), 'utf8');

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-oauth-store-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const put = async (name: string, text: string, mode = 0o600) => {
  await writeFile(join(home, name), text, { mode });
  await chmod(join(home, name), mode);
};

describe('fileStore over files written by Codex 0.169', () => {
  it('a refresh (compare-and-swap) changes only the token values and last_refresh', async () => {
    const text = await fixture('chatgpt-device-login.auth.json');
    await put('auth.json', text);
    const store = fileStore({ codexHome: home });
    const record = (await store.load())!;
    const old = record.tokens!;
    const next = {
      ...record,
      tokens: {
        ...old,
        accessToken: makeTestJwt({ exp: 2 }),
        refreshToken: 'rt_rotated_0123456789',
      },
      lastRefresh: '2026-11-25T08:00:00.000Z',
    };
    await store.save(next, { previousRefreshToken: old.refreshToken });
    expect(await readFile(store.path, 'utf8')).toBe(
      text
        .replace(old.accessToken, next.tokens.accessToken)
        .replace(old.refreshToken, next.tokens.refreshToken)
        .replace(record.lastRefresh!, next.lastRefresh),
    );
    expect(await store.load()).toEqual(next);
  });

  it('a new sign-in over it drops the old login extras but keeps top-level unknown keys', async () => {
    const previous = JSON.parse(await fixture('chatgpt-after-refresh.auth.json'));
    await put('auth.json', JSON.stringify({ ...previous, agent_identity: 'kept' }, null, 2));
    const store = fileStore({ codexHome: home });
    await store.save(makeTestRecord());
    const written = JSON.parse(await readFile(store.path, 'utf8'));
    expect(Object.keys(written)).toEqual([
      'auth_mode',
      'OPENAI_API_KEY',
      'tokens',
      'last_refresh',
      'agent_identity',
    ]);
    expect(written.tokens.oauth_provenance).toBeUndefined();
  });

  it('a stale compare-and-swap is STORE_CONFLICT and writes nothing', async () => {
    const text = await fixture('chatgpt-device-login.auth.json');
    await put('auth.json', text);
    const store = fileStore({ codexHome: home });
    await expect(
      store.save(makeTestRecord(), { previousRefreshToken: 'rt_other' }),
    ).rejects.toMatchObject({
      code: ErrorCodes.STORE_CONFLICT,
    });
    expect(await readFile(store.path, 'utf8')).toBe(text);
  });
});

describe('damaged files', async () => {
  const names = (await readdir(DAMAGED)).filter((name) => name.endsWith('.json'));

  it.each(names)(
    '%s: load and save throw STORE_CORRUPT and leave the bytes and mode',
    async (name) => {
      const bytes = await readFile(new URL(name, DAMAGED));
      await writeFile(join(home, 'auth.json'), bytes, { mode: 0o640 });
      await chmod(join(home, 'auth.json'), 0o640);
      const store = fileStore({ codexHome: home });
      const corrupt = { code: ErrorCodes.STORE_CORRUPT };
      await expect(store.load()).rejects.toMatchObject(corrupt);
      await expect(store.save(makeTestRecord())).rejects.toMatchObject(corrupt);
      await expect(
        store.save(makeTestRecord(), { previousRefreshToken: null }),
      ).rejects.toMatchObject(corrupt);
      expect(await readFile(store.path)).toEqual(bytes);
      expect(await modeOf(store.path)).toBe(0o640);
    },
  );

  it('moveAside keeps the damaged file as auth.json.bak-<time>, then a save works', async () => {
    const bytes = await readFile(new URL('not-json.auth.json', DAMAGED));
    await put('auth.json', bytes.toString());
    const store = fileStore({ codexHome: home });
    const moved = await store.moveAside();
    expect(moved).toMatch(/auth\.json\.bak-\d{8}T\d{6}Z$/);
    expect(await readFile(moved!)).toEqual(bytes);
    const record = makeTestRecord();
    await store.save(record);
    expect(await store.load()).toEqual(record);
    expect(await store.moveAside()).not.toBe(moved);
    expect(await store.moveAside()).toBeNull();
  });

  it('clear (logout) moves a damaged file aside instead of deleting it', async () => {
    await put('auth.json', '{"tokens": 1}');
    const store = fileStore({ codexHome: home });
    expect(await store.clear()).toBe(true);
    expect(await store.load()).toBeNull();
    const files = await readdir(home);
    expect(files.some((file) => file.startsWith('auth.json.bak-'))).toBe(true);
  });
});

describe('.credentials.json fallback', () => {
  it('is read when auth.json is absent, is the base of a swap, and clear removes it', async () => {
    const first = makeTestRecord();
    const other = fileStore({ codexHome: join(home, 'other') });
    await other.save(first);
    await copyFile(other.path, join(home, '.credentials.json'));
    const store = fileStore({ codexHome: home });
    expect(await store.load()).toEqual(first);
    const next = makeTestRecord();
    await store.save(next, { previousRefreshToken: first.tokens!.refreshToken });
    expect(await store.load()).toEqual(next);
    expect(await store.clear()).toBe(true);
    expect(await store.load()).toBeNull();
    expect(await readdir(home)).not.toContain('.credentials.json');
  });
});

describe('modes and warnings', () => {
  it('creates a missing CODEX_HOME 0700 and auth.json 0600', async () => {
    const store = fileStore({ codexHome: join(home, 'new', '.codex') });
    await store.save(makeApiKeyRecord());
    expect(await modeOf(join(home, 'new', '.codex'))).toBe(0o700);
    expect(await modeOf(store.path)).toBe(0o600);
  });

  it('reports a loose auth.json in describe() and tightens it on the next save', async () => {
    await put('auth.json', await fixture('apikey.auth.json'), 0o644);
    const store = fileStore({ codexHome: home });
    expect(store.describe().warnings.join('\n')).toContain('mode 0644');
    await store.save(makeApiKeyRecord());
    expect(await modeOf(store.path)).toBe(0o600);
    expect(store.describe().warnings.join('\n')).not.toContain('mode 0644');
  });

  it('describe() carries the config.toml keyring warning and the location', async () => {
    await put('config.toml', 'cli_auth_credentials_store = "keyring"\n');
    const store = fileStore({ codexHome: home });
    const { location, warnings } = store.describe();
    expect(location).toBe(join(home, 'auth.json'));
    expect(warnings.join('\n')).toContain('cli_auth_credentials_store = "file"');
    expect(store.config().credentialsStore).toBe('keyring');
  });

  it('throws CODEX_HOME_INVALID at creation when CODEX_HOME names nothing', () => {
    expect(() => fileStore({ env: { CODEX_HOME: join(home, 'missing') } })).toThrow(
      expect.objectContaining({ code: ErrorCodes.CODEX_HOME_INVALID }),
    );
  });

  it('clear on a missing CODEX_HOME says nothing was removed and creates nothing', async () => {
    const store = fileStore({ codexHome: join(home, 'absent') });
    expect(await store.clear()).toBe(false);
    expect(await readdir(home)).toEqual([]);
  });
});

const noFlock = lockBackend().kind !== 'flock' ? 'flock addon not loaded' : '';

describe('locks shared with the Codex CLI', () => {
  it.skipIf(noFlock)(
    `save waits for auth.json.lock held by another program ${noFlock}`,
    async () => {
      const store = fileStore({ codexHome: home, writeLockTimeoutMs: 100 });
      await store.save(makeApiKeyRecord());
      const before = await readFile(store.path, 'utf8');
      const holder = holdWithFlockCommand(join(home, 'auth.json.lock'));
      await holder.held;
      await expect(store.save(makeApiKeyRecord())).rejects.toMatchObject({
        code: 'CODEX_OAUTH_LOCK_TIMEOUT',
      });
      expect(await readFile(store.path, 'utf8')).toBe(before);
      holder.release();
      await holder.exited;
      await store.save(makeApiKeyRecord());
      expect(await readFile(store.path, 'utf8')).not.toBe(before);
    },
  );

  it.skipIf(noFlock)(
    `withLock takes auth.lock, the lock Codex holds for a refresh ${noFlock}`,
    async () => {
      const store = fileStore({ codexHome: home, refreshLockTimeoutMs: 100 });
      const holder = holdWithFlockCommand(join(home, 'auth.lock'));
      await holder.held;
      await expect(store.withLock(async () => 'ran')).rejects.toMatchObject({
        code: 'CODEX_OAUTH_LOCK_TIMEOUT',
      });
      holder.release();
      await holder.exited;
      expect(await store.withLock(async () => 'ran')).toBe('ran');
    },
  );
});
