// One process of the refresh storm: imports the built package (self-reference to dist), says
// "ready", waits for "go" on stdin, asks for an access token and prints only its SHA-256 (never
// the token) and the error code if any.
import { createHash } from 'node:crypto';
import { getAccessToken } from '@codex-oauth/core';

const [issuer, codexHome] = process.argv.slice(2);
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  let line;
  try {
    const { accessToken } = await getAccessToken({
      issuer,
      codexHome,
      storage: 'file',
      env: { CODEX_HOME: undefined, CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined },
    });
    line = { ok: true, sha256: createHash('sha256').update(accessToken).digest('hex') };
  } catch (error) {
    line = { ok: false, code: error?.code ?? 'unknown', message: String(error?.message) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stdin.destroy();
});
