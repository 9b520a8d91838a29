import { execFile } from 'node:child_process';
import type { Server } from 'node:https';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { opensslUnavailableReason, type ThrowawayCa } from '@codex-oauth/test-support/throwaway-ca';
import { describe, expect, it } from 'vitest';
import { type Running, useThrowawayHttps } from './helpers.js';

// installGlobalDispatcher changes process-wide state, so each case runs in a child process
// importing the built package (`pnpm build` first, as the test task does). undici keeps its
// global dispatcher under `Symbol.for` keys on globalThis that every copy reads, the one Node
// bundles for its built-in `fetch` included: installing ours reaches both.
const here = fileURLToPath(new URL('..', import.meta.url));
const reason = await opensslUnavailableReason();

/** Runs `body` (an ES module, top-level await) in a child and returns what it printed. */
async function inChild(body: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', body],
    { cwd: here, env: { PATH: process.env.PATH, ...env } },
  );
  return stdout.trim();
}

/** What `fetch` (an expression: undici's or the built-in) made of `url`: its status, or the error's cause code. */
const tryFetch = (fetch: string, url: string) => `
  const outcome = await ${fetch}(${JSON.stringify(url)}).then(
    async (res) => { await res.text(); return String(res.status); },
    (error) => error.cause?.code ?? error.code ?? error.message,
  );`;

describe.skipIf(reason)(`installGlobalDispatcher${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let server: Running<Server>;
  useThrowawayHttps((ca, https) => {
    pki = ca;
    server = https;
  });

  it("makes undici's fetch and Node's built-in fetch trust the bundle", {
    timeout: 30_000,
  }, async () => {
    const url = `${server.url}/ping`;
    const script = (install: boolean, fetch: string) => `
      import { createRequire } from 'node:module';
      const { installGlobalDispatcher } = await import('@codex-oauth/net-ca');
      const undici = createRequire(import.meta.url)('undici');
      ${install ? 'const dispatcher = installGlobalDispatcher();' : ''}
      ${tryFetch(fetch, url)}
      console.log(outcome);
      ${install ? 'await dispatcher.close();' : ''}`;
    const env = { CODEX_CA_CERTIFICATE: pki.ca.certPath };
    expect(await inChild(script(true, 'undici.fetch'), env)).toBe('200');
    expect(await inChild(script(true, 'globalThis.fetch'), env)).toBe('200');
    // So this test can tell: without it, neither trusts the throwaway CA.
    expect(await inChild(script(false, 'undici.fetch'), env)).toMatch(/VERIFY|CERT|ISSUER/);
    expect(await inChild(script(false, 'globalThis.fetch'), env)).toMatch(/VERIFY|CERT|ISSUER/);
  });
});
