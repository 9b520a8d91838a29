#!/usr/bin/env node
// `pnpm --filter @codex-oauth/cli demo`: the main job of codex-oauth, end to end and offline.
// Starts the embedded fake issuer on 127.0.0.1, runs `codex-oauth login` against it (the
// "browser" is a small script that follows the sign-in redirects, named by BROWSER), then
// `codex-oauth status`, in a throwaway CODEX_HOME. The real sign-in is just `codex-oauth login`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeIssuer } from '@codex-oauth/fake-issuer';

const cli = fileURLToPath(new URL('../bin/codex-oauth.js', import.meta.url));
const browser = fileURLToPath(new URL('./follow-browser.mjs', import.meta.url));

function run(args, env) {
  process.stderr.write(`\n$ codex-oauth ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

const issuer = await startFakeIssuer({ registeredPorts: 'any' });
const home = await mkdtemp(join(tmpdir(), 'codex-oauth-demo-'));
const env = {
  ...process.env,
  CODEX_HOME: home,
  CODEX_OAUTH_ISSUER: issuer.url,
  BROWSER: `${JSON.stringify(process.execPath)} ${JSON.stringify(browser)}`,
};
try {
  process.stderr.write(`fake issuer at ${issuer.url}; CODEX_HOME=${home}\n`);
  const login = await run(['login', '--flow', 'browser', '--port', '0'], env);
  const status = await run(['status'], env);
  process.exitCode = login === 0 && status === 0 ? 0 : 1;
} finally {
  await issuer.stop();
  await rm(home, { recursive: true, force: true });
}
