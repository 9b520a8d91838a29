/**
 * `codex-oauth keep-fresh` as a child process against the fake issuer. Tokens live seconds (the
 * issuer's lifetime options) and the window is set explicitly, so the loop turns over in seconds
 * instead of minutes. The real Codex CLI (both installed versions, under `unshare -n`) signs in
 * over a running keep-fresh to show the adoption.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { CODEX_VERSIONS, codexSkipReason, runCodex } from '@codex-oauth/test-support/codex-cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliProcess, cliEnv, removeDir, runCli, startCli, tempHome } from './helpers.js';

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

/** A sign-in whose tokens live `seconds`, refreshed ones too. */
async function setUp(seconds: number): Promise<void> {
  issuer = await startFakeIssuer({
    registeredPorts: 'any',
    deviceAutoApprove: true,
    deviceInterval: '0',
    accessTokenTtlSeconds: seconds,
  });
  home = await tempHome();
  env = cliEnv(home, { CODEX_OAUTH_ISSUER: issuer.url });
  const r = await runCli(['login', '--flow', 'device'], env);
  expect(r.code, r.stderr).toBe(0);
}

let running: CliProcess | undefined;
afterEach(async () => {
  running?.child.kill('SIGKILL');
  running = undefined;
  await issuer?.stop();
  await removeDir(home);
});

/** The JSON lines a keep-fresh run printed so far. */
function events(stdout: string): { event: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Starts `keep-fresh --json` and gives a way to wait for its n-th event of a kind. */
function keepFresh(args: string[]) {
  let stdout = '';
  const proc = startCli(['keep-fresh', '--json', ...args], env);
  running = proc;
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const until = async (kind: string, n = 1, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events(stdout).filter((e) => e.event === kind).length < n) {
      if (Date.now() > deadline) throw new Error(`no ${n}× "${kind}" in:\n${stdout}`);
      if (proc.child.exitCode !== null) throw new Error(`exited before "${kind}":\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { proc, until, events: () => events(stdout), stdout: () => stdout };
}

function expectNoSecrets(text: string): void {
  const secrets = issuer.issued.grants.flatMap((g) => [
    ...g.accessTokens,
    ...g.idTokens,
    ...g.refreshTokens,
  ]);
  expect(secrets.filter((s) => text.includes(s)).length, 'a token in the output').toBe(0);
}

const refreshes = () =>
  issuer.requests.filter(
    (r) =>
      r.path === '/oauth/token' &&
      (r.json as { grant_type?: string })?.grant_type === 'refresh_token',
  );

describe('keep-fresh --once', () => {
  it('a fresh token: one look, no request, exit 0', async () => {
    await setUp(3600);
    const r = await runCli(['keep-fresh', '--once', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r.stdout).map((e) => e.event)).toEqual(['started', 'fresh']);
    expect(refreshes()).toHaveLength(0);
  });

  it('a token inside the window: refreshes once, exit 0, no secret printed', async () => {
    await setUp(3600);
    const r = await runCli(['keep-fresh', '--once', '--json', '--refresh-window', '3601'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r.stdout).map((e) => e.event)).toEqual(['started', 'refreshed']);
    expect(refreshes().map((q) => q.status)).toEqual([200]);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('an issuer that is down: --once exits 2 with the typed error (cron tries again)', async () => {
    await setUp(3600);
    issuer.inject({ path: '/oauth/token', kind: 'status', status: 503, times: Infinity });
    const r = await runCli(['keep-fresh', '--once', '--json', '--refresh-window', '3601'], env);
    expect(r.code).toBe(2);
    expect(events(r.stdout).at(-1)).toMatchObject({
      event: 'error',
      code: 'CODEX_OAUTH_REFRESH_FAILED',
    });
  });
});

describe('keep-fresh, running', { timeout: 60_000 }, () => {
  it('refreshes ahead of expiry again and again; Ctrl-C stops it cleanly', async () => {
    await setUp(4); // refresh when 3 s are left: every second or so
    const kf = keepFresh(['--refresh-window', '3', '--check-every', '1']);
    await kf.until('refreshed', 3);
    kf.proc.child.kill('SIGINT');
    const done = await kf.proc.done;
    expect(done.code).toBe(0);
    expect(kf.events().at(-1)?.event).toBe('stopped');
    const sent = refreshes();
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.every((q) => q.status === 200)).toBe(true);
    expect(issuer.issued.grants[0]?.revoked).toBeNull();
    expectNoSecrets(kf.stdout() + done.stderr);
  });

  it('SIGTERM (systemd, launchd) stops it cleanly too', async () => {
    await setUp(3600);
    const kf = keepFresh(['--check-every', '1']);
    await kf.until('fresh');
    kf.proc.child.kill('SIGTERM');
    expect((await kf.proc.done).code).toBe(0);
    expect(kf.events().at(-1)?.event).toBe('stopped');
  });

  it('survives the issuer being down: typed, logged retries with backoff, then refreshes', async () => {
    await setUp(3600);
    // Each attempt of ours retries 3 times inside; 6 failures cost two logged attempts.
    issuer.inject({ path: '/oauth/token', kind: 'status', status: 503, times: 6 });
    // A window wider than the lifetime: due again after each refresh, so at most one per look.
    const kf = keepFresh(['--refresh-window', '3601', '--check-every', '30']);
    await kf.until('refreshed', 1, 30_000);
    await kf.until('warning');
    const retries = kf.events().filter((e) => e.event === 'retry');
    expect(retries.map((e) => [e.code, e.attempt, e.retryInSeconds])).toEqual([
      ['CODEX_OAUTH_REFRESH_FAILED', 1, 1],
      ['CODEX_OAUTH_REFRESH_FAILED', 2, 2],
    ]);
    expect(issuer.issued.grants[0]?.refreshCount).toBe(1);
    expectNoSecrets(kf.stdout());
  });

  it('a damaged auth.json: stops with STORE_CORRUPT (exit 2) and leaves the bytes', async () => {
    await setUp(3600);
    const kf = keepFresh(['--check-every', '1']);
    await kf.until('fresh');
    const bytes = '{"auth_mode": "chatgpt", "tokens": ';
    await writeFile(join(home, 'auth.json'), bytes);
    const done = await kf.proc.done;
    expect(done.code).toBe(2);
    expect(kf.events().at(-1)).toMatchObject({ event: 'error', code: 'CODEX_OAUTH_STORE_CORRUPT' });
    expect(await readFile(join(home, 'auth.json'), 'utf8')).toBe(bytes);
  });

  it('a sign-out by another process: exit 1 with a clear line', async () => {
    await setUp(3600);
    const kf = keepFresh(['--check-every', '1']);
    await kf.until('fresh');
    await rm(join(home, 'auth.json'));
    const done = await kf.proc.done;
    expect(done.code).toBe(1);
    const last = kf.events().at(-1);
    expect(last?.event).toBe('signed_out');
    expect(String(last?.message)).toMatch(/was removed \(signed out by another process/);
  });

  it('a Codex login it does not manage: exit 3, the file untouched', async () => {
    await setUp(3600);
    const bytes = '{\n  "OPENAI_API_KEY": null,\n  "personal_access_token": "at-keepfresh-test"\n}';
    await writeFile(join(home, 'auth.json'), bytes);
    const r = await runCli(['keep-fresh', '--json'], env);
    expect(r.code).toBe(3);
    expect(events(r.stdout).at(-1)).toMatchObject({ code: 'CODEX_OAUTH_UNMANAGED_LOGIN' });
    const status = await runCli(['status'], env);
    expect(status.code).toBe(3);
    expect(status.stderr).toContain('personal access token');
    expect(status.stderr).not.toMatch(/refuse|damaged/);
    const doctor = JSON.parse((await runCli(['doctor', '--json'], env)).stdout);
    expect(doctor.checks.find((c: { id: string }) => c.id === 'auth')).toMatchObject({
      verdict: 'info',
      details: ['CODEX_OAUTH_UNMANAGED_LOGIN'],
    });
    expect(await readFile(join(home, 'auth.json'), 'utf8')).toBe(bytes);
  });
});

for (const version of CODEX_VERSIONS) {
  const skip = codexSkipReason(version);
  describe.skipIf(skip)(
    `keep-fresh beside the real Codex ${version}${skip ? ` (skipped: ${skip})` : ''}`,
    { timeout: 60_000 },
    () => {
      beforeEach(() => setUp(3600));

      it('adopts a sign-in made by Codex while it runs, then keeps that one fresh', async () => {
        const kf = keepFresh(['--check-every', '1']);
        await kf.until('fresh');
        const signIn = await runCodex(
          ['login', '--device-auth', '--experimental_issuer', issuer.url],
          { codexHome: home, forwardPorts: [issuer.port], version, timeoutMs: 45_000 },
        );
        expect(signIn.code, signIn.stderr).toBe(0);
        await kf.until('adopted');
        const codexGrant = issuer.issued.grants.at(-1)!;
        expect(issuer.issued.grants).toHaveLength(2);
        // Codex's own record (oauth_provenance) is what is kept fresh from now on.
        const auth = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
        expect(auth.tokens.oauth_provenance).toBeDefined();
        expect(codexGrant.refreshTokens).toContain(auth.tokens.refresh_token);
        kf.proc.child.kill('SIGINT');
        expect((await kf.proc.done).code).toBe(0);
        const once = await runCli(
          ['keep-fresh', '--once', '--json', '--refresh-window', '3601'],
          env,
        );
        expect(events(once.stdout).at(-1)?.event).toBe('refreshed');
        expect(codexGrant.refreshCount).toBe(1);
        expect(codexGrant.revoked).toBeNull();
      });
    },
  );
}
