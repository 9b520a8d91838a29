/**
 * Sixteen of our processes, one expired sign-in in the keyring, all asking for a token at once:
 * the keyring has no lock of its own, so they serialise on Codex's `auth.lock` flock under
 * CODEX_HOME, and exactly one refresh request reaches the (fake) issuer. And the sign-in policy
 * of config.toml holds in keyring mode as in file mode.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, login, status } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason, titled, useSecretService } from './secret-service-env.js';

const CHILD = fileURLToPath(new URL('./fixtures/get-token-child.mjs', import.meta.url));
const PROCESSES = 16;
const TWO_HOURS = 2 * 3600_000;
const { root } = useSecretService();
let fake: FakeIssuer;
let skew = 0;
beforeAll(async () => {
  if (skipReason) return;
  fake = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    now: () => Date.now() + skew,
  });
});
afterAll(() => fake?.stop());

describe.skipIf(skipReason)(
  titled('store-keyring through the session'),
  { timeout: 60_000 },
  () => {
    it("config.toml's sign-in restrictions apply in keyring mode too", async () => {
      const home = join(root, 'policy');
      await mkdir(home, { recursive: true });
      await writeFile(
        join(home, 'config.toml'),
        'cli_auth_credentials_store = "keyring"\nforced_login_method = "api"\n',
      );
      const seen = fake.requests.length;
      await expect(
        login({ codexHome: home, issuer: fake.url, env: {}, flow: 'device', interactive: true }),
      ).rejects.toMatchObject({ code: ErrorCodes.LOGIN_METHOD_FORBIDDEN });
      expect(fake.requests.length).toBe(seen);
    });

    it("config.toml's warnings still reach results in keyring mode, but not the file-mode ones", async () => {
      const home = join(root, 'warnings');
      await mkdir(home, { recursive: true });
      await writeFile(
        join(home, 'config.toml'),
        'cli_auth_credentials_store = "keyring"\nforced_login_method = "bogus"\n',
      );
      const result = await status({ codexHome: home, issuer: fake.url, env: {} });
      expect(result.storageUsed).toBe('keyring');
      const warnings = result.warnings.join('\n');
      expect(warnings).toContain('forced_login_method');
      // "Codex will not read auth.json" is true of file mode only.
      expect(warnings).not.toContain('cli_auth_credentials_store');
    });

    it(`${PROCESSES} processes needing a refresh send one request`, async () => {
      const home = join(root, 'storm');
      const env = { CODEX_HOME: undefined, CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined };
      skew = -TWO_HOURS; // the sign-in's access token is born expired
      await login({
        codexHome: home,
        issuer: fake.url,
        storage: 'keyring',
        env,
        flow: 'device',
        interactive: true,
      });
      skew = 0;
      const seen = fake.requests.length;

      const children = Array.from({ length: PROCESSES }, () => startChild(fake.url, home));
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const answers = await Promise.all(children.map((c) => c.answer));

      expect(answers.every((a) => a.ok)).toBe(true);
      expect(new Set(answers.map((a) => a.sha256)).size).toBe(1);
      const refreshes = fake.requests
        .slice(seen)
        .filter((r) => (r.json as { grant_type?: string })?.grant_type === 'refresh_token');
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0]?.status).toBe(200);
      expect(existsSync(join(home, 'auth.json'))).toBe(false);
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
    answer: ready
      .then(next)
      .then((line) => JSON.parse(line) as { ok: boolean; sha256?: string; code?: string }),
  };
}
