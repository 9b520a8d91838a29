import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, useCliSandbox } from './helpers.js';

// Issue 13: what the built CLI does against broken files, wrong issuers and skewed clocks.

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;
useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

const own: FakeIssuer[] = [];
afterEach(async () => {
  await Promise.all(own.splice(0).map((fake) => fake.stop()));
});
async function ownIssuer(options: Parameters<typeof startFakeIssuer>[0]): Promise<FakeIssuer> {
  const fake = await startFakeIssuer({
    registeredPorts: 'any',
    deviceAutoApprove: true,
    ...options,
  });
  own.push(fake);
  return fake;
}

describe('a file with no session is not "already signed in" (case 6)', () => {
  for (const body of [
    // An unknown key of someone else's, not `agent_identity`: a file holding an agent identity is a
    // Codex login we do not manage (issue 16), not a file with no session.
    '{"OPENAI_API_KEY":null,"tokens":null,"someone_elses_key":"kept"}',
    '{"someone_elses_key":"kept"}',
    '{"auth_mode":"chatgpt","someone_elses_key":"kept"}',
  ]) {
    it(`${body}: login signs in, keeping the file's other keys`, async () => {
      const path = join(home, 'auth.json');
      await writeFile(path, body, { mode: 0o600 });
      expect((await runCli(['status'], env)).code).toBe(1);
      const login = await runCli(['login', '--flow', 'device'], env);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).not.toContain('Already signed in');
      const saved = JSON.parse(await readFile(path, 'utf8'));
      expect(typeof saved.tokens.refresh_token).toBe('string');
      expect(saved.someone_elses_key).toBe('kept');
      expect((await runCli(['status'], env)).code).toBe(0);
    });
  }
});

describe('--codex-home naming a regular file is refused up front (case 7)', () => {
  it('status and login exit 2 with CODEX_HOME_INVALID, and login sends nothing', async () => {
    const file = join(home, 'not-a-dir');
    await writeFile(file, 'x');
    const status = await runCli(['status', '--codex-home', file], env);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('CODEX_OAUTH_CODEX_HOME_INVALID');
    const before = issuer.requests.length;
    const login = await runCli(['login', '--flow', 'device', '--codex-home', file], env);
    expect(login.code).toBe(2);
    expect(login.stderr).toContain('CODEX_OAUTH_CODEX_HOME_INVALID');
    expect(issuer.requests.length).toBe(before);
  });
});

describe('a wrong issuer path is not an account setting (case 8)', () => {
  it('login says the URL is not an issuer, not "enable device sign-in"', async () => {
    const r = await runCli(['login', '--flow', 'device', '--issuer', `${issuer.url}/nope`], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CODEX_OAUTH_NOT_AN_ISSUER');
    expect(r.stderr).not.toMatch(/ChatGPT Settings/);
  });

  it('doctor fails the issuer check for a 404, and passes a real issuer', async () => {
    const wrong = await runCli(['doctor', '--json', '--issuer', `${issuer.url}/nope`], env);
    const checks = JSON.parse(wrong.stdout).checks as { id: string; verdict: string }[];
    expect(checks.find((c) => c.id === 'issuer')?.verdict).toBe('fail');
    const right = await runCli(['doctor', '--json'], env);
    const good = JSON.parse(right.stdout).checks as { id: string; verdict: string }[];
    expect(good.find((c) => c.id === 'issuer')?.verdict).toBe('ok');
  });
});

describe('clock skew is named, not looped on (case 3)', () => {
  it('an issuer 2 h behind: status, token (stderr) and doctor name the offset', async () => {
    const behind = await ownIssuer({ now: () => Date.now() - 2 * 3_600_000 });
    const skewEnv = cliEnv(home, { CODEX_OAUTH_ISSUER: behind.url });
    expect((await runCli(['login', '--flow', 'device'], skewEnv)).code).toBe(0);
    const status = await runCli(['status'], skewEnv);
    expect(status.stderr).toMatch(/Clock skew: the issuer's clock is 2 h 0 min behind/);
    const token = await runCli(['token'], skewEnv);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // the token alone
    expect(token.stderr).toContain('Clock skew');
    const doctor = JSON.parse((await runCli(['doctor', '--json'], skewEnv)).stdout);
    const clock = (doctor.checks as { id: string; verdict: string }[]).find(
      (c) => c.id === 'clock',
    );
    expect(clock?.verdict).toBe('warn');
  });
});

describe('a token endpoint that drips (case 1)', () => {
  it('token ends with a typed error after the bounded attempts, instead of hanging', async () => {
    const fake = await ownIssuer({ accessTokenTtlSeconds: 60 });
    // Due at once: a 5-minute window over a 60 s token (the default is at most half its lifetime).
    const loginEnv = cliEnv(home, {
      CODEX_OAUTH_ISSUER: fake.url,
      CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '300',
    });
    expect((await runCli(['login', '--flow', 'device'], loginEnv)).code).toBe(0);
    const dripEnv = { ...loginEnv, CODEX_OAUTH_REQUEST_TIMEOUT_MS: '1000' };
    fake.inject({
      path: '/oauth/token',
      kind: 'drip',
      intervalMs: 50,
      times: Number.POSITIVE_INFINITY,
    });
    const r = await runCli(['token'], dripEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CODEX_OAUTH_REFRESH_FAILED');
    expect(r.stdout).toBe('');
    expect(
      fake.requests.filter(
        (q) => (q.json as { grant_type?: string })?.grant_type === 'refresh_token',
      ),
    ).toHaveLength(3);
  });
});

describe('an issuer that echoes the request (case 4)', () => {
  it('the device id appears neither on stderr nor in --json', async () => {
    const fake = await ownIssuer({});
    fake.inject({
      path: '/api/accounts/deviceauth/token',
      kind: 'echo',
      times: Number.POSITIVE_INFINITY,
    });
    const echoEnv = cliEnv(home, { CODEX_OAUTH_ISSUER: fake.url });
    const human = await runCli(['login', '--flow', 'device'], echoEnv);
    const json = await runCli(['login', '--flow', 'device', '--json'], echoEnv);
    const ids = fake.requests
      .filter((r) => r.path === '/api/accounts/deviceauth/token')
      .map((r) => (r.json as { device_auth_id: string }).device_auth_id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const r of [human, json]) {
      expect(r.code).toBe(2);
      for (const id of ids) expect(`${r.stdout}${r.stderr}`.includes(id)).toBe(false);
    }
    expect(json.stdout).toContain('CODEX_OAUTH_TOKEN_EXCHANGE_FAILED');
  });
});
