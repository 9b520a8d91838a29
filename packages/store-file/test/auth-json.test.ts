import { readdirSync, readFileSync } from 'node:fs';
import { ErrorCodes } from '@codex-oauth/core';
import { makeTestJwt, makeTestRecord } from '@codex-oauth/core/testing';
import { describe, expect, it } from 'vitest';
import { parseAuthJson, serializeAuthJson } from '../src/index.js';

const CODEX = new URL('./fixtures/codex-0.169/', import.meta.url);
const DAMAGED = new URL('./fixtures/damaged/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, CODEX), 'utf8');
const FIXTURES = [
  'apikey.auth.json',
  'chatgpt-device-login.auth.json',
  'chatgpt-after-refresh.auth.json',
];

describe('parseAuthJson + serializeAuthJson on files written by Codex 0.169', () => {
  it.each(FIXTURES)('%s round-trips byte for byte', (name) => {
    const text = fixture(name);
    const { record, raw } = parseAuthJson(text, name);
    expect(serializeAuthJson(record, raw)).toBe(text);
  });

  it('reads the ChatGPT fixture into the record, last_refresh kept as stored', () => {
    const { record } = parseAuthJson(fixture('chatgpt-device-login.auth.json'), 'f');
    expect(record).toMatchObject({
      authMode: 'chatgpt',
      openaiApiKey: null,
      lastRefresh: '2026-11-24T07:03:51.358601159Z',
      tokens: {
        accountId: '6f1c2d3e-fixture-account',
        refreshToken: 'rt_33800f3ed42f24522521408e',
      },
    });
  });

  it('new tokens change only those values and last_refresh; extras stay in place', () => {
    const text = fixture('chatgpt-device-login.auth.json');
    const { record, raw } = parseAuthJson(text, 'f');
    const old = record.tokens!;
    const next = {
      ...record,
      tokens: {
        ...old,
        idToken: makeTestJwt({
          'https://api.openai.com/auth': { chatgpt_account_id: old.accountId },
        }),
        accessToken: makeTestJwt({ exp: 1 }),
        refreshToken: 'rt_new_0123456789',
      },
      lastRefresh: '2026-11-25T00:00:00.123Z',
    };
    const expected = text
      .replace(old.idToken, next.tokens.idToken)
      .replace(old.accessToken, next.tokens.accessToken)
      .replace(old.refreshToken, next.tokens.refreshToken)
      .replace(record.lastRefresh!, next.lastRefresh);
    expect(serializeAuthJson(next, raw)).toBe(expected);
  });

  it('a new sign-in (keepTokenExtras: false) drops the old login extras', () => {
    const { raw } = parseAuthJson(fixture('chatgpt-device-login.auth.json'), 'f');
    const out = JSON.parse(serializeAuthJson(makeTestRecord(), raw, { keepTokenExtras: false }));
    expect(Object.keys(out.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'account_id',
    ]);
  });

  it('writes a fresh record in Codex key order, pretty, no trailing newline', () => {
    const record = makeTestRecord({ lastRefresh: '2026-01-01T00:00:00Z' });
    const text = serializeAuthJson(record);
    expect(text.endsWith('}')).toBe(true);
    expect(text).toBe(
      `{\n  "auth_mode": "chatgpt",\n  "OPENAI_API_KEY": null,\n  "tokens": {\n` +
        `    "id_token": "${record.tokens!.idToken}",\n    "access_token": "${record.tokens!.accessToken}",\n` +
        `    "refresh_token": "${record.tokens!.refreshToken}",\n    "account_id": "${record.tokens!.accountId}"\n` +
        `  },\n  "last_refresh": "2026-01-01T00:00:00Z"\n}`,
    );
    const apiKey = {
      authMode: 'apikey',
      openaiApiKey: 'sk-proj-fixtureKEY0123456789abcdef',
      tokens: null,
      lastRefresh: null,
    } as const;
    expect(serializeAuthJson(apiKey)).toBe(fixture('apikey.auth.json'));
  });

  it('keeps unknown top-level keys where they were, non-ASCII as UTF-8', () => {
    const text = JSON.stringify(
      {
        first: 1,
        auth_mode: 'apikey',
        OPENAI_API_KEY: 'sk-x',
        agent_identity: { name: 'Zoë 東京' },
        __proto__x: null,
      },
      null,
      2,
    );
    const { record, raw } = parseAuthJson(text, 'f');
    expect(serializeAuthJson(record, raw)).toBe(text);
    expect(serializeAuthJson({ ...record, openaiApiKey: 'sk-y' }, raw)).toBe(
      text.replace('sk-x', 'sk-y'),
    );
  });
});

describe('reading what Codex accepts', () => {
  const idToken = makeTestJwt({});
  const tokens = { id_token: idToken, access_token: 'a', refresh_token: '' };
  const parse = (value: unknown) => parseAuthJson(JSON.stringify(value), 'f').record;

  it('resolves a missing auth_mode like Codex: a non-null key means apikey, else chatgpt', () => {
    expect(parse({ OPENAI_API_KEY: 'sk-1' }).authMode).toBe('apikey');
    expect(parse({ OPENAI_API_KEY: null, tokens }).authMode).toBe('chatgpt');
    expect(parse({})).toEqual({
      authMode: 'chatgpt',
      openaiApiKey: null,
      tokens: null,
      lastRefresh: null,
    });
  });

  it('accepts missing OPENAI_API_KEY and account_id, null tokens, any RFC 3339 last_refresh', () => {
    expect(
      parse({ auth_mode: 'chatgpt', tokens, last_refresh: '2026-01-01T00:00:00+02:00' }),
    ).toEqual({
      authMode: 'chatgpt',
      openaiApiKey: null,
      tokens: { idToken, accessToken: 'a', refreshToken: '', accountId: null },
      lastRefresh: '2026-01-01T00:00:00+02:00',
    });
    expect(parse({ auth_mode: 'chatgpt', tokens: null }).tokens).toBeNull();
  });
});

describe('the damaged corpus', () => {
  const files = readdirSync(DAMAGED).filter((name) => name.endsWith('.json'));

  it('has the cases the issue lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s is CODEX_OAUTH_STORE_CORRUPT naming the file, never a secret', (name) => {
    const text = readFileSync(new URL(name, DAMAGED), 'utf8');
    let error: unknown;
    try {
      parseAuthJson(text, `/home/u/.codex/${name}`);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: ErrorCodes.STORE_CORRUPT });
    const message = (error as Error).message;
    expect(message).toContain(`/home/u/.codex/${name}`);
    expect(message).not.toMatch(/SECRET|eyJ/);
  });
});

describe('serializeAuthJson refuses records Codex could not load', () => {
  it('an id_token that is not a JWT', () => {
    const record = makeTestRecord();
    record.tokens!.idToken = 'nope';
    expect(() => serializeAuthJson(record)).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_TOKEN }),
    );
  });

  it('an apikey record without a key', () => {
    expect(() =>
      serializeAuthJson({
        authMode: 'apikey',
        openaiApiKey: null,
        tokens: null,
        lastRefresh: null,
      }),
    ).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });

  it('fills a missing last_refresh for ChatGPT tokens (Codex needs one)', () => {
    const record = { ...makeTestRecord(), lastRefresh: null };
    const out = JSON.parse(serializeAuthJson(record, null, { now: new Date(0) }));
    expect(out.last_refresh).toBe('1970-01-01T00:00:00.000Z');
  });
});
