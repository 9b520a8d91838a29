/**
 * The real Codex CLI 0.169 and codex-oauth on ONE auth.json, both ways round, against the fake
 * issuer. Codex runs under `unshare -n` (loopback only); the issuer's port is bridged in (see
 * `@codex-oauth/test-support/codex-cli`), so nothing can leave the machine.
 *
 * The issuer's clock is injected (`skew`): tokens minted while it runs two hours behind are
 * already expired by the real clock both programs read, so nothing here waits for an expiry.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { getAccessToken, login, refresh, status } from '@codex-oauth/core';
import { CODEX_CLIENT_ID, type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { codexSkipReason, runCodex } from '@codex-oauth/test-support/codex-cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../src/index.js';
import { markReuse, refreshesSince, tally } from './helpers/refresh-log.js';

const skip = codexSkipReason();
const ACCOUNT = {
  email: 'roundtrip@example.test',
  accountId: 'acct-roundtrip-0001',
  planType: 'pro',
};
const TWO_HOURS = 2 * 3600_000;
// Our side must not pick up the machine's CODEX_HOME or overrides.
const ENV = {
  CODEX_HOME: undefined,
  CODEX_OAUTH_ISSUER: undefined,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
  CODEX_REVOKE_TOKEN_URL_OVERRIDE: undefined,
};
const CHILD = fileURLToPath(new URL('./helpers/get-token-child.mjs', import.meta.url));

describe.skipIf(skip)(
  `Codex CLI <-> codex-oauth on one auth.json${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 60_000 },
  () => {
    let fake: FakeIssuer;
    let skew = 0;
    const homes: string[] = [];
    const newHome = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'codex-roundtrip-'));
      homes.push(dir);
      return dir;
    };
    const codex = (codexHome: string, args: string[], env: Record<string, string> = {}) =>
      runCodex(args, { codexHome, forwardPorts: [fake.port], timeoutMs: 45_000, env });
    const ours = (codexHome: string) => ({
      codexHome,
      storage: 'file' as const,
      issuer: fake.url,
      env: ENV,
    });
    const readAuth = async (codexHome: string) =>
      JSON.parse(await readFile(join(codexHome, 'auth.json'), 'utf8'));

    beforeAll(async () => {
      fake = await startFakeIssuer({
        account: ACCOUNT,
        deviceAutoApprove: true,
        deviceInterval: '0',
        now: () => Date.now() + skew,
      });
    });
    afterAll(async () => {
      await fake?.stop();
      await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    let home: string; // shared by the first two tests: Codex's login, then our refresh, then Codex's
    it('reads a Codex device login without a request, and refreshes it keeping Codex extras', async () => {
      home = await newHome();
      const signIn = await codex(home, [
        'login',
        '--device-auth',
        '--experimental_issuer',
        fake.url,
      ]);
      expect(signIn.code, signIn.stderr).toBe(0);
      const codexRaw = await readFile(join(home, 'auth.json'), 'utf8');
      const codexAuth = JSON.parse(codexRaw);
      expect(Object.keys(codexAuth.tokens)).toEqual([
        'id_token',
        'access_token',
        'refresh_token',
        'oauth_provenance',
        'login_owner_id',
        'account_id',
      ]);

      const seen = fake.requests.length;
      const read = await status(ours(home));
      expect(fake.requests.length).toBe(seen); // status reads only the file
      expect(read).toMatchObject({
        authenticated: true,
        authMode: 'chatgpt',
        storageUsed: 'file',
        email: ACCOUNT.email,
        accountId: ACCOUNT.accountId,
        planType: ACCOUNT.planType,
        needsRefresh: false,
      });

      await refresh({ ...ours(home), force: true });
      const sent = refreshesSince(fake, seen);
      expect(sent).toHaveLength(1);
      const [request] = sent;
      expect(request?.sender).toBe('ours');
      expect(request?.status).toBe(200);
      expect(request?.headers['content-type']).toMatch(/^application\/json/);
      expect(request?.headers.originator).toBe('codex_cli_rs');
      expect(request?.body).toBe(
        JSON.stringify({
          client_id: CODEX_CLIENT_ID,
          grant_type: 'refresh_token',
          refresh_reason: 'forced',
          refresh_token: codexAuth.tokens.refresh_token,
        }),
      );
      expect(fake.issued.refreshTokens.get(codexAuth.tokens.refresh_token)?.state).toBe('rotated');

      // Same login, compare-and-swap save: Codex's extras stay, in place, and only values move.
      const grant = fake.issued.grants[0]!;
      const raw = await readFile(join(home, 'auth.json'), 'utf8');
      const after = JSON.parse(raw);
      expect(raw.endsWith('\n')).toBe(false);
      expect((await stat(join(home, 'auth.json'))).mode & 0o777).toBe(0o600);
      expect(Object.keys(after)).toEqual(Object.keys(codexAuth));
      expect(Object.keys(after.tokens)).toEqual(Object.keys(codexAuth.tokens));
      expect(after.tokens.oauth_provenance).toEqual(codexAuth.tokens.oauth_provenance);
      expect(after.tokens.oauth_provenance).toEqual({
        issuer: fake.url,
        client_id: CODEX_CLIENT_ID,
      });
      expect(after.tokens.login_owner_id).toBe(codexAuth.tokens.login_owner_id);
      expect(after.tokens.refresh_token).toBe(grant.refreshTokens.at(-1));
      expect(after.tokens.access_token).toBe(grant.accessTokens.at(-1));
      expect(after.last_refresh).not.toBe(codexAuth.last_refresh);
    });

    it('lets `codex doctor` refresh the expired tokens we wrote, without a rejection', async () => {
      // Our refresh with the issuer two hours behind: the access token we save is already expired.
      skew = -TWO_HOURS;
      await refresh({ ...ours(home), force: true });
      skew = 0;
      const expired = await status(ours(home));
      expect(expired.needsRefresh).toBe(true);
      const ourRefresh = (await readAuth(home)).tokens.refresh_token as string;
      expect(fake.isLive(ourRefresh)).toBe(true);

      // No refresh URL override: Codex finds the issuer through the oauth_provenance we kept.
      const seen = fake.requests.length;
      await codex(home, ['doctor', '--summary']); // exits 1 offline (reachability); refresh matters
      const sent = refreshesSince(fake, seen);
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(sent.every((r) => r.sender === 'codex' && r.status === 200)).toBe(true);
      expect(sent[0]?.refreshToken).toBe(ourRefresh);
      expect(sent[0]?.reason).toBe('proactive_expiry');
      expect(fake.issued.refreshTokens.get(ourRefresh)?.state).toBe('rotated');
      const grant = fake.issued.grants[0]!;
      expect(grant.revoked).toBeNull();

      const auth = await readAuth(home);
      expect(auth.tokens.refresh_token).toBe(grant.refreshTokens.at(-1));
      expect(auth.tokens.access_token).toBe(grant.accessTokens.at(-1));
      const back = await status(ours(home));
      expect(back).toMatchObject({
        authenticated: true,
        needsRefresh: false,
        email: ACCOUNT.email,
      });
      const before = fake.requests.length;
      expect((await getAccessToken(ours(home))).accessToken).toBe(auth.tokens.access_token);
      expect(fake.requests.length).toBe(before);
    });

    it('`codex login status` accepts a device login and an API key that we wrote', async () => {
      const device = await newHome();
      const result = await login({ ...ours(device), flow: 'device', interactive: true });
      expect(result).toMatchObject({ flowUsed: 'device_code', email: ACCOUNT.email });
      const chatgpt = await codex(device, ['login', 'status']);
      expect(chatgpt.code, chatgpt.stderr).toBe(0);
      expect(`${chatgpt.stdout}${chatgpt.stderr}`).toMatch(/Logged in using ChatGPT/);

      const apiKeyHome = await newHome();
      await fileStore({ codexHome: apiKeyHome, env: ENV }).save({
        authMode: 'apikey',
        openaiApiKey: 'sk-roundtrip-not-a-real-key',
        tokens: null,
        lastRefresh: null,
      });
      const apikey = await codex(apiKeyHome, ['login', 'status']);
      expect(apikey.code, apikey.stderr).toBe(0);
      // Codex 0.169 words it "API key configured - sk-…***…" (older versions: "Logged in using an
      // API key"); either way it read the key we wrote.
      expect(`${apikey.stdout}${apikey.stderr}`).toMatch(
        /API key configured|Logged in using an API key/,
      );
    });

    it('mixed storm: our processes and `codex doctor` processes on one expired auth.json', async () => {
      const K = 4;
      const J = 3;
      const stormHome = await newHome();
      skew = -TWO_HOURS; // the sign-in's access token is born expired
      await login({ ...ours(stormHome), flow: 'device', interactive: true });
      skew = 0;
      const grant = fake.issued.grants.at(-1)!;
      const seen = fake.requests.length;

      const children = Array.from({ length: K }, () => startChild(fake.url, stormHome));
      await Promise.all(children.map((c) => c.ready));
      // Ours start the moment Codex's first refresh reaches the issuer: the contended window
      // (Codex's refreshes in flight, its write not yet done). Started at spawn instead, ours
      // finish before Codex has even read the file, and Codex then finds fresh tokens.
      let doctorsDone = false;
      const doctors = Promise.all(
        // A login we wrote has no `oauth_provenance` (that is Codex's own record of its
        // `--experimental_issuer`), so Codex needs the override to refresh at the fake.
        Array.from({ length: J }, () =>
          codex(stormHome, ['doctor', '--summary'], {
            CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token`,
          }),
        ),
      ).finally(() => {
        doctorsDone = true;
      });
      while (!doctorsDone && !refreshesSince(fake, seen).some((r) => r.sender === 'codex')) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      for (const c of children) c.go();
      const answers = await Promise.all(children.map((c) => c.answer));
      await doctors;

      const log = markReuse(refreshesSince(fake, seen).filter((r) => r.sender !== 'other'));
      const counts = tally(log);
      const ourReuse = log.filter((r) => r.sender === 'ours' && r.reused).length;
      const codexReuse = log.filter((r) => r.sender === 'codex' && r.reused).length;
      console.log(
        `mixed storm (${K} ours + ${J} codex doctor): ours sent ${counts.ours.sent} ` +
          `(${counts.ours.rejected} rejected, ${ourReuse} with a used token), codex sent ` +
          `${counts.codex.sent} (${counts.codex.rejected} rejected, ${codexReuse} with a used ` +
          `token); grant ${grant.revoked ? `revoked (${grant.revoked})` : 'alive'}; our answers: ` +
          `${answers.filter((a) => a.ok).length} ok, ${answers
            .filter((a) => !a.ok)
            .map((a) => a.code)
            .join(', ')}`,
      );

      // The file is whole: it parses, for us and as JSON, and holds tokens the issuer minted.
      const auth = await readAuth(stormHome);
      await expect(status(ours(stormHome))).resolves.toMatchObject({ authenticated: true });
      expect(grant.refreshTokens).toContain(auth.tokens.refresh_token);
      // Our processes serialise on auth.lock: among themselves they never send one token twice.
      const ourTokens = log.filter((r) => r.sender === 'ours').map((r) => r.refreshToken);
      expect(new Set(ourTokens).size).toBe(ourTokens.length);
      // And never a token one of ours had already sent: every reuse by ours follows a Codex use.
      for (const [i, r] of log.entries()) {
        if (r.sender !== 'ours' || !r.reused) continue;
        const first = log.findIndex((e) => e.refreshToken === r.refreshToken);
        expect(first).toBeLessThan(i);
        expect(log[first]?.sender).toBe('codex');
      }
    });
  },
);

/** One of our processes (the built core), started and held until `go()`. */
function startChild(issuer: string, codexHome: string) {
  const child: ChildProcess = spawn(process.execPath, [CHILD, issuer, codexHome], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('child exited early');
    return value as string;
  };
  const ready = next();
  return {
    ready,
    go: () => child.stdin?.write('go\n'),
    answer: ready.then(next).then((line) => JSON.parse(line) as { ok: boolean; code?: string }),
  };
}
