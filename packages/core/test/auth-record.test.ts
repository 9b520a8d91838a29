import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mergeRefreshedTokens, recordFromTokens, redactRecord } from '../src/model/auth-record.js';
import { isCodexOAuthError } from '../src/model/errors.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown): string => `${b64({ alg: 'none' })}.${b64(payload)}.c2ln`;
const AUTH = 'https://api.openai.com/auth';
const now = new Date('2026-06-01T12:00:00.123Z');

describe('recordFromTokens', () => {
  it('builds the record Codex writes after a sign-in', () => {
    const idToken = jwt({ [AUTH]: { chatgpt_account_id: 'acct-1' } });
    const record = recordFromTokens({ idToken, accessToken: 'at', refreshToken: 'rt' }, { now });
    expect(record).toEqual({
      authMode: 'chatgpt',
      openaiApiKey: null,
      tokens: { idToken, accessToken: 'at', refreshToken: 'rt', accountId: 'acct-1' },
      lastRefresh: '2026-06-01T12:00:00.123Z',
    });
  });

  it('stores a null account id when the id token lacks the claim, and ignores the previous record', () => {
    const previous = recordFromTokens(
      {
        idToken: jwt({ [AUTH]: { chatgpt_account_id: 'old' } }),
        accessToken: 'a',
        refreshToken: 'r',
      },
      { now },
    );
    const record = recordFromTokens(
      { idToken: jwt({}), accessToken: 'at', refreshToken: 'rt' },
      { now, previous: { ...previous, openaiApiKey: 'sk-old' } },
    );
    expect(record.tokens?.accountId).toBeNull();
    expect(record.openaiApiKey).toBeNull();
  });

  it('refuses an id token Codex could not read, and empty tokens', () => {
    const bad = () =>
      recordFromTokens({ idToken: 'not-a-jwt', accessToken: 'at', refreshToken: 'rt' });
    expect(bad).toThrow(expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_TOKEN' }));
    const empty = () => recordFromTokens({ idToken: jwt({}), accessToken: 'at', refreshToken: '' });
    expect(empty).toThrow(expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_RESPONSE' }));
  });
});

describe('mergeRefreshedTokens', () => {
  const idToken = jwt({ [AUTH]: { chatgpt_account_id: 'acct-1' } });
  const previous = {
    authMode: 'chatgpt' as const,
    openaiApiKey: null,
    tokens: { idToken, accessToken: 'at-1', refreshToken: 'rt-1', accountId: 'acct-1' },
    lastRefresh: '2026-05-01T00:00:00.123456789Z',
  };

  it('keeps fields the refresh answer left out', () => {
    const merged = mergeRefreshedTokens(previous, { accessToken: 'at-2' }, now);
    expect(merged).toEqual({
      ...previous,
      tokens: { ...previous.tokens, accessToken: 'at-2' },
      lastRefresh: '2026-06-01T12:00:00.123Z',
    });
    expect(mergeRefreshedTokens(previous, { refreshToken: '' }, now).tokens?.refreshToken).toBe(
      'rt-1',
    );
  });

  it('takes a new id token and its account id', () => {
    const newId = jwt({ [AUTH]: { chatgpt_account_id: 'acct-2' } });
    const merged = mergeRefreshedTokens(
      previous,
      { idToken: newId, accessToken: 'a', refreshToken: 'r' },
      now,
    );
    expect(merged.tokens).toEqual({
      idToken: newId,
      accessToken: 'a',
      refreshToken: 'r',
      accountId: 'acct-2',
    });
    const noClaim = mergeRefreshedTokens(previous, { idToken: jwt({}) }, now);
    expect(noClaim.tokens?.accountId).toBe('acct-1');
  });

  it('rejects a malformed new id token and a record without tokens', () => {
    expect(() => mergeRefreshedTokens(previous, { idToken: 'a.b' }, now)).toThrow(
      expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_TOKEN' }),
    );
    try {
      mergeRefreshedTokens({ ...previous, tokens: null }, { accessToken: 'x' }, now);
      expect.unreachable();
    } catch (err) {
      expect(isCodexOAuthError(err, 'CODEX_OAUTH_NOT_SIGNED_IN')).toBe(true);
    }
  });
});

describe('redactRecord', () => {
  it('hides every secret and keeps the rest', () => {
    const record = recordFromTokens(
      {
        idToken: jwt({ [AUTH]: { chatgpt_account_id: 'acct-1' } }),
        accessToken: 'at-secret',
        refreshToken: 'rt-secret',
      },
      { now },
    );
    const shown = inspect(redactRecord({ ...record, openaiApiKey: 'sk-secret' }));
    for (const secret of ['at-secret', 'rt-secret', 'sk-secret', record.tokens?.idToken ?? '']) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).toContain('acct-1');
    expect(shown).toContain(record.lastRefresh);
  });
});

describe('records print without secrets', () => {
  it('inspect of a fresh or refreshed record shows the redacted view', () => {
    const record = recordFromTokens(
      {
        idToken: jwt({ [AUTH]: { chatgpt_account_id: 'acct-1' } }),
        accessToken: 'at-secret',
        refreshToken: 'rt-secret',
      },
      { now },
    );
    const refreshed = mergeRefreshedTokens(record, { accessToken: 'at-new-secret' }, now);
    for (const shown of [inspect(record), inspect(refreshed), inspect({ nested: [record] })]) {
      expect(shown).toContain('acct-1');
      for (const secret of [
        'at-secret',
        'at-new-secret',
        'rt-secret',
        record.tokens?.idToken ?? '',
      ]) {
        expect(shown).not.toContain(secret);
      }
    }
    expect(JSON.parse(JSON.stringify(record)).tokens.accessToken).toBe('at-secret');
  });
});
