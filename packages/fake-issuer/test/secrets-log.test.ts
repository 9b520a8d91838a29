import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODEX_CLIENT_ID, decodeJwtPayload, startFakeIssuer } from '../src/index.js';
import { SECRETS_LOG_ENV } from '../src/secrets-log.js';
import { authorizeUrl, postForm, postJson, refreshJson, signIn } from './support.js';

/** The log as `[kind, value]` pairs. */
function readLog(path: string): Array<[string, string]> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t') as [string, string]);
}

describe('issued-secrets log (CODEX_OAUTH_FAKE_ISSUER_SECRETS_LOG)', () => {
  let dir: string;
  let logPath: string;
  const previous = process.env[SECRETS_LOG_ENV];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-issuer-secrets-'));
    logPath = join(dir, 'secrets.log');
  });
  afterEach(() => {
    // Restore whatever an outer secret scan set, and hand it what was minted here, so the scan
    // also looks for the secrets of this file.
    if (previous === undefined) delete process.env[SECRETS_LOG_ENV];
    else {
      process.env[SECRETS_LOG_ENV] = previous;
      if (existsSync(logPath)) appendFileSync(previous, readFileSync(logPath));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs every token, code, device id and verifier it mints, with its kind', async () => {
    process.env[SECRETS_LOG_ENV] = logPath;
    const issuer = await startFakeIssuer({ registeredPorts: 'any', deviceAutoApprove: true });
    try {
      const browser = await signIn(issuer);
      const refreshed = (await (await refreshJson(issuer, browser.refresh_token)).json()) as Record<
        string,
        string
      >;
      const start = (await (
        await postJson(issuer, '/api/accounts/deviceauth/usercode', { client_id: CODEX_CLIENT_ID })
      ).json()) as Record<string, string>;
      const poll = (await (
        await postJson(issuer, '/api/accounts/deviceauth/token', {
          device_auth_id: start.device_auth_id,
          user_code: start.user_code,
        })
      ).json()) as Record<string, string>;
      const exchange = await postForm(issuer, '/oauth/token', {
        grant_type: 'authorization_code',
        code: poll.authorization_code ?? '',
        redirect_uri: `${issuer.url}/deviceauth/callback`,
        client_id: CODEX_CLIENT_ID,
        code_verifier: poll.code_verifier ?? '',
      });
      expect(exchange.status).toBe(200);
      const device = (await exchange.json()) as Record<string, string>;

      const log = readLog(logPath);
      const has = (kind: string, value: unknown) => log.some(([k, v]) => k === kind && v === value);
      for (const answer of [browser, refreshed, device]) {
        expect(has('access_token', answer.access_token)).toBe(true);
        expect(has('id_token', answer.id_token)).toBe(true);
        expect(has('refresh_token', answer.refresh_token)).toBe(true);
      }
      expect(has('device_auth_id', start.device_auth_id)).toBe(true);
      expect(has('authorization_code', poll.authorization_code)).toBe(true);
      expect(has('device_code_verifier', poll.code_verifier)).toBe(true);
      // The device exchange proves the verifier, so it is logged as a client verifier too.
      expect(has('pkce_verifier', poll.code_verifier)).toBe(true);
      // Browser sign-in: its code and the client's verifier (both made inside signIn()).
      expect(log.filter(([k]) => k === 'authorization_code')).toHaveLength(2);
      expect(log.filter(([k]) => k === 'pkce_verifier')).toHaveLength(2);
      // 3 issuances x 3 tokens + 2 codes + 2 verifiers + device id + device verifier.
      expect(log).toHaveLength(15);
      // The user code is shown to a person by design: not a secret, not logged.
      expect(log.some(([, v]) => v === start.user_code)).toBe(false);
      // Minted JWTs carry a recognisable jti.
      expect(decodeJwtPayload(String(browser.access_token))?.jti).toMatch(/^fakeiss_[0-9a-f]{16}$/);
    } finally {
      await issuer.stop();
    }
  });

  it('writes nothing when the variable is unset', async () => {
    delete process.env[SECRETS_LOG_ENV];
    const issuer = await startFakeIssuer({ registeredPorts: 'any' });
    try {
      await signIn(issuer);
    } finally {
      await issuer.stop();
    }
    expect(existsSync(logPath)).toBe(false);
  });

  it('does not log a verifier that fails the PKCE check', async () => {
    process.env[SECRETS_LOG_ENV] = logPath;
    const issuer = await startFakeIssuer({ registeredPorts: 'any' });
    try {
      const url = new URL(await issuer.authorize(authorizeUrl(issuer)));
      const res = await postForm(issuer, '/oauth/token', {
        grant_type: 'authorization_code',
        code: url.searchParams.get('code') ?? '',
        redirect_uri: 'http://127.0.0.1:1455/auth/callback',
        client_id: CODEX_CLIENT_ID,
        code_verifier: 'not-the-verifier-of-that-challenge-at-all-0000000',
      });
      expect(res.status).toBe(400);
    } finally {
      await issuer.stop();
    }
    expect(readLog(logPath).map(([kind]) => kind)).toEqual(['authorization_code']);
  });

  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const skip = existsSync(cli) ? null : 'dist/cli.js is missing: run the package build';
  it.skipIf(skip)(
    `the bin logs too when it inherits the variable${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const child = spawn(process.execPath, [cli, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, [SECRETS_LOG_ENV]: logPath },
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
            if (out.includes('\n')) resolve(out.split('\n')[0]!);
          });
          child.on('exit', () => reject(new Error('bin exited early')));
        });
        const res = await fetch(`${url}/api/accounts/deviceauth/usercode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: CODEX_CLIENT_ID }),
        });
        const { device_auth_id } = (await res.json()) as { device_auth_id: string };
        // Compared as booleans: a failing assertion must not print the secret.
        const log = readLog(logPath);
        expect(log.map(([kind]) => kind)).toEqual(['device_auth_id']);
        expect(log[0]?.[1] === device_auth_id).toBe(true);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    },
  );
});
