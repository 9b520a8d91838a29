import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestRecord } from '@codex-oauth/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringAccount, keyringCodec } from '../src/index.js';

const sha16 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('keyringAccount', () => {
  let dir: string;
  beforeAll(async () => {
    // Canonical already (a temp dir can sit behind a symlink, as on macOS).
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'codex-account-')));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is cli| and 16 hex digits of the SHA-256 of the canonical path, as Codex computes it', async () => {
    const link = join(dir, 'link');
    await symlink(dir, link);
    expect(keyringAccount(dir)).toBe(`cli|${sha16(dir)}`);
    // Codex canonicalizes: a symlinked CODEX_HOME names the same entry.
    expect(keyringAccount(link)).toBe(keyringAccount(dir));
    // A home that does not exist yet: the path as given (Rust's canonicalize() fails there too).
    expect(keyringAccount(join(dir, 'missing'))).toBe(`cli|${sha16(join(dir, 'missing'))}`);
  });
});

describe('keyringCodec', () => {
  const codexValue = (refreshToken: string) =>
    JSON.stringify({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: 'x',
        access_token: 'y',
        refresh_token: refreshToken,
        oauth_provenance: { issuer: 'https://auth.example.test', client_id: 'app_x' },
        login_owner_id: 'owner',
        account_id: 'acct',
      },
      last_refresh: '2026-12-01T00:00:00.000000000Z',
      agent_identity: 'kept',
    });

  it('writes compact JSON with Codex keys in place; a refresh keeps the token extras', () => {
    const record = makeTestRecord();
    const previous = codexValue('old-refresh');
    const text = keyringCodec.serialize(record, previous, { swap: true });
    expect(text).not.toContain('\n');
    const value = JSON.parse(text);
    expect(Object.keys(value)).toEqual([
      'auth_mode',
      'OPENAI_API_KEY',
      'tokens',
      'last_refresh',
      'agent_identity',
    ]);
    expect(Object.keys(value.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'oauth_provenance',
      'login_owner_id',
      'account_id',
    ]);
    expect(value.tokens.refresh_token).toBe(record.tokens?.refreshToken);
    expect(keyringCodec.parse(text).tokens?.accessToken).toBe(record.tokens?.accessToken);
  });

  it('a new sign-in over another login drops that login’s token extras, keeps the rest', () => {
    const value = JSON.parse(
      keyringCodec.serialize(makeTestRecord(), codexValue('someone-else'), { swap: false }),
    );
    expect(Object.keys(value.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'account_id',
    ]);
    expect(value.agent_identity).toBe('kept');
  });

  it('an API-key record leaves out tokens and last_refresh it does not have', () => {
    const text = keyringCodec.serialize(
      { authMode: 'apikey', openaiApiKey: 'sk-test', tokens: null, lastRefresh: null },
      null,
      { swap: false },
    );
    expect(JSON.parse(text)).toEqual({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' });
  });
});
