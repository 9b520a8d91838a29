/**
 * Codex logins that codex-oauth does not manage (a personal access token, an agent identity, a
 * Bedrock key, host-held ChatGPT tokens): valid files, reported as such, never rewritten. The real
 * Codex CLI (0.169 and 0.171, under `unshare -n`) confirms they are logins it accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@codex-oauth/core';
import { makeTestRecord } from '@codex-oauth/core/testing';
import { CODEX_VERSIONS, codexSkipReason, runCodex } from '@codex-oauth/test-support/codex-cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStore, parseAuthJson } from '../src/index.js';

const UNMANAGED = new URL('./fixtures/unmanaged/', import.meta.url);
const names = readdirSync(UNMANAGED).filter((name) => name.endsWith('.json'));
const ENV = { CODEX_HOME: undefined, CODEX_OAUTH_REFRESH_WINDOW_SECONDS: undefined };

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-oauth-unmanaged-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

const put = async (name: string) => {
  const bytes = await readFile(new URL(name, UNMANAGED));
  const path = join(home, 'auth.json');
  await writeFile(path, bytes, { mode: 0o600 });
  await chmod(path, 0o600);
  return { bytes, path };
};

describe('auth.json holding a Codex login codex-oauth does not manage', () => {
  it('covers a personal access token (with and without auth_mode) and an agent identity', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'personal-access-token.auth.json',
        'pat-without-mode.auth.json',
        'agent-identity.auth.json',
        'agent-identity-only.auth.json',
      ]),
    );
  });

  it.each(names)('%s is UNMANAGED_LOGIN naming the file and what it is, no secret', (name) => {
    const text = readFileSync(new URL(name, UNMANAGED), 'utf8');
    let error: unknown;
    try {
      parseAuthJson(text, `/home/u/.codex/${name}`);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'CODEX_OAUTH_UNMANAGED_LOGIN' });
    const message = (error as Error).message;
    expect(message).toContain(`/home/u/.codex/${name}`);
    expect(message).toMatch(/does not manage; it was left untouched/);
    expect(message).not.toMatch(/refuse|damaged|SECRET|eyJ/);
    if (name.startsWith('pat') || name.startsWith('personal')) {
      expect(message).toContain('personal access token');
    }
    if (name.startsWith('agent')) expect(message).toContain('agent identity');
  });

  it.each(names)('%s: status, load and save are typed and leave the bytes', async (name) => {
    const { bytes, path } = await put(name);
    const store = fileStore({ codexHome: home, env: ENV });
    const unmanaged = { code: 'CODEX_OAUTH_UNMANAGED_LOGIN' };
    await expect(status({ store })).rejects.toMatchObject(unmanaged);
    await expect(store.load()).rejects.toMatchObject(unmanaged);
    await expect(store.save(makeTestRecord())).rejects.toMatchObject(unmanaged);
    await expect(
      store.save(makeTestRecord(), { previousRefreshToken: null }),
    ).rejects.toMatchObject(unmanaged);
    expect(await readFile(path)).toEqual(bytes);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

for (const version of CODEX_VERSIONS) {
  const skip = codexSkipReason(version);
  describe.skipIf(skip)(
    `the real Codex ${version} takes them as logins${skip ? ` (skipped: ${skip})` : ''}`,
    { timeout: 60_000 },
    () => {
      it('a personal access token: Codex asks whoami about it (no network here)', async () => {
        await put('pat-without-mode.auth.json');
        const r = await runCodex(['login', 'status'], { codexHome: home, version });
        expect(`${r.stdout}${r.stderr}`).toMatch(/personal access token/);
        expect(`${r.stdout}${r.stderr}`).not.toMatch(/Not logged in/);
      });

      it('a file with only agent_identity: Codex says it is logged in', async () => {
        await put('agent-identity-only.auth.json');
        const r = await runCodex(['login', 'status'], { codexHome: home, version });
        expect(r.code, r.stderr).toBe(0);
        expect(`${r.stdout}${r.stderr}`).toMatch(/Logged in/);
      });
    },
  );
}
