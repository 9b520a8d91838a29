import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { getAccessToken, login, logout, openaiProfile, revokeToken } from '@codex-oauth/core';
import { type FakeIssuer, type Fault, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { acquireLock } from '@codex-oauth/store-file';
import { memoryStore } from '@codex-oauth/store-memory';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bytesOf,
  refreshRequests,
  sessionOptions,
  settled,
  TOKEN_PATH,
  tempHome,
} from './helpers/session.js';

// Hostile issuers (issue 13) on every endpoint: an answer that drips one byte at a time, one far
// larger than any sign-in answer, and one that echoes the request back (secrets included). The
// transport's total deadline is short here so a drip ends quickly (but long enough for the
// ordinary requests of a sign-in on a loaded 2-core machine); nothing in this file times.
const DEADLINE_MS = 2_000;
const HUGE = 50 * 1024 * 1024;
const USERCODE = '/api/accounts/deviceauth/usercode';
const POLL = '/api/accounts/deviceauth/token';
const REVOKE = '/oauth/revoke';
const SECRET_FIELDS = ['code', 'code_verifier', 'refresh_token', 'device_auth_id', 'token'];

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function setup(): Promise<{ fake: FakeIssuer; home: string }> {
  const fake = await startFakeIssuer({
    registeredPorts: 'any',
    deviceAutoApprove: true,
    deviceInterval: '1',
    accessTokenTtlSeconds: 60, // due at once: getAccessToken refreshes
    refreshedAccessTokenTtlSeconds: 3600,
  });
  const home = await tempHome('codex-oauth-hostile-');
  cleanups.push(() => fake.stop(), home.cleanup);
  return { fake, home: home.dir };
}

/** Every secret value the issuer received so far (codes, verifiers, tokens, device ids). */
function sentSecrets(fake: FakeIssuer): string[] {
  const values = new Set<string>();
  for (const request of fake.requests) {
    const fields = { ...(request.json as Record<string, unknown>), ...request.form };
    for (const name of SECRET_FIELDS) {
      const value = fields[name];
      if (typeof value === 'string' && value) values.add(value);
    }
  }
  return [...values];
}

/** The texts of an error that reach a user: message, JSON, inspect. */
function shownTexts(error: unknown): string[] {
  const err = error as Error;
  return [err.message, JSON.stringify(err), inspect(err)];
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a rejection');
}

// Omit over the union member by member, so each kind keeps its own fields.
type FaultKind = Fault extends infer F
  ? F extends Fault & { kind: 'drip' | 'huge' | 'echo' }
    ? Omit<F, 'path' | 'times'>
    : never
  : never;
const HOSTILE: [string, FaultKind][] = [
  ['drip', { kind: 'drip', intervalMs: 50 }],
  ['huge', { kind: 'huge', bytes: HUGE }],
  ['echo', { kind: 'echo' }],
];

const SIGN_IN_STEPS: ['browser' | 'device', string, string][] = [
  ['browser', TOKEN_PATH, 'authorize-code exchange'],
  ['device', USERCODE, 'device usercode'],
  ['device', POLL, 'device poll'],
  ['device', TOKEN_PATH, 'device code exchange'],
];

/** What each hostile answer ends a sign-in step with. */
function expectedCode(kind: string, path: string): string {
  if (kind === 'drip') return 'CODEX_OAUTH_REQUEST_TIMEOUT';
  if (kind === 'huge') return 'CODEX_OAUTH_RESPONSE_TOO_LARGE';
  return path === POLL || path === USERCODE || path === TOKEN_PATH
    ? 'CODEX_OAUTH_TOKEN_EXCHANGE_FAILED'
    : 'CODEX_OAUTH_INVALID_RESPONSE';
}

describe.concurrent('hostile answers during sign-in: typed, bounded, nothing stored or shown', () => {
  for (const [flow, path, step] of SIGN_IN_STEPS) {
    for (const [name, fault] of HOSTILE) {
      const code = expectedCode(fault.kind, path);
      it(`${name} on the ${step} (${path}) -> ${code}`, async () => {
        const { fake, home } = await setup();
        // The poll rides out a few transient failures (timeouts among them): keep the fault on.
        fake.inject({ path, ...fault, times: Number.POSITIVE_INFINITY } as Fault);
        const options = sessionOptions(fake, {
          flow,
          timeoutMs: 20_000,
          requestTimeoutMs: DEADLINE_MS,
        });
        const error = await rejection(login({ ...options, codexHome: home, storage: 'file' }));
        expect(error.code).toBe(code);
        expect((await readdir(home)).filter((n) => n.includes('auth'))).toEqual([]);
        for (const text of shownTexts(error)) {
          for (const secret of sentSecrets(fake)) expect(text.includes(secret)).toBe(false);
        }
        const memory = memoryStore();
        expect((await rejection(login({ ...options, store: memory }))).code).toBe(code);
        expect(await memory.load()).toBeNull();
        fake.clearFaults();
      });
    }
  }
});

async function signedIn(fake: FakeIssuer, home: string): Promise<Buffer> {
  await login(sessionOptions(fake, { codexHome: home, flow: 'browser', storage: 'file' }));
  return (await bytesOf(join(home, 'auth.json')))!;
}

describe.concurrent('hostile answers to a refresh: auth.json untouched, the lock free again', () => {
  const expected: Record<string, [string, number]> = {
    drip: ['CODEX_OAUTH_REFRESH_FAILED', 3], // each attempt bounded, then given up
    huge: ['CODEX_OAUTH_RESPONSE_TOO_LARGE', 1],
    echo: ['CODEX_OAUTH_REFRESH_FAILED', 1],
  };
  for (const [name, fault] of HOSTILE) {
    const [code, attempts] = expected[name]!;
    it(`${name} -> ${code} after ${attempts} request(s)`, async () => {
      const { fake, home } = await setup();
      const before = await signedIn(fake, home);
      fake.inject({ path: TOKEN_PATH, ...fault, times: Number.POSITIVE_INFINITY } as Fault);
      const options = sessionOptions(fake, {
        codexHome: home,
        storage: 'file',
        requestTimeoutMs: DEADLINE_MS,
      });
      const error = await rejection(getAccessToken(options));
      expect(error.code).toBe(code);
      if (name === 'drip') {
        expect((error.cause as { code?: string }).code).toBe('CODEX_OAUTH_REQUEST_TIMEOUT');
      }
      expect(refreshRequests(fake)).toHaveLength(attempts);
      expect((await bytesOf(join(home, 'auth.json')))!.equals(before)).toBe(true);
      // The refresh let go of auth.lock: another process could take it now.
      const lock = await acquireLock(join(home, 'auth.lock'), { wait: false });
      await lock.release();
      for (const text of shownTexts(error)) {
        for (const secret of sentSecrets(fake)) expect(text.includes(secret)).toBe(false);
      }
      fake.clearFaults();
      await settled(fake);
    });
  }
});

describe.concurrent('a 200 refresh answer without a usable access token (case 3)', () => {
  for (const body of ['{"token_type":"Bearer"}', '{"access_token":42,"refresh_token":"rt_x"}']) {
    it(`${body} -> INVALID_RESPONSE, auth.json byte for byte as it was (no new last_refresh)`, async () => {
      const { fake, home } = await setup();
      const before = await signedIn(fake, home);
      fake.inject({ path: TOKEN_PATH, kind: 'status', status: 200, body });
      const options = sessionOptions(fake, { codexHome: home, storage: 'file' });
      expect((await rejection(getAccessToken(options))).code).toBe('CODEX_OAUTH_INVALID_RESPONSE');
      expect((await bytesOf(join(home, 'auth.json')))!.equals(before)).toBe(true);
      expect(refreshRequests(fake)).toHaveLength(1);
    });
  }
});

describe.concurrent('hostile answers to a revocation: logout still signs out', () => {
  for (const [name, fault] of HOSTILE) {
    it(`${name} on ${REVOKE}: logout resolves and auth.json is gone`, async () => {
      const { fake, home } = await setup();
      await signedIn(fake, home);
      fake.inject({ path: REVOKE, ...fault, times: Number.POSITIVE_INFINITY } as Fault);
      const options = sessionOptions(fake, {
        codexHome: home,
        storage: 'file',
        requestTimeoutMs: DEADLINE_MS,
      });
      await logout({ ...options, revokeTimeoutMs: 2_000 });
      expect(await bytesOf(join(home, 'auth.json'))).toBeNull();
      expect(fake.count(REVOKE)).toBe(1);
    });

    it(`${name} on ${REVOKE}: revokeToken is typed and shows no token`, async () => {
      const { fake } = await setup();
      fake.inject({ path: REVOKE, ...fault, times: Number.POSITIVE_INFINITY } as Fault);
      const provider = openaiProfile({ issuer: fake.url, env: {} });
      const token = `rt_${'ab12'.repeat(10)}`;
      const outcome = await revokeToken({
        fetch: globalThis.fetch,
        provider,
        token,
        timeoutMs: 2_000,
      }).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if ('result' in outcome) {
        // An echo is a refusal: an answer, with the status and code only.
        expect(name).toBe('echo');
        expect(outcome.result).toEqual({ revoked: false, status: 400, error: 'invalid_request' });
      } else {
        const code = (outcome.error as { code?: string }).code;
        expect(code).toBe(
          name === 'huge' ? 'CODEX_OAUTH_RESPONSE_TOO_LARGE' : 'CODEX_OAUTH_REQUEST_TIMEOUT',
        );
        for (const text of shownTexts(outcome.error)) expect(text.includes(token)).toBe(false);
      }
    });
  }
});
