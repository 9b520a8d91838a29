// One of our processes in a mixed refresh storm: imports the BUILT core (a plain Node process
// cannot load TypeScript), says "ready", waits for "go" on stdin, asks for an access token and
// prints one JSON line: the token's SHA-256 (never the token) or the error code.
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
    line = { ok: false, code: error?.code ?? 'unknown' };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stdin.destroy();
});
