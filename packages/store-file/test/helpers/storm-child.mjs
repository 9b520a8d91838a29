// One process of a refresh storm: imports the BUILT core, says "ready", waits for "go", asks for
// an access token and prints one JSON line: the token's SHA-256 (never the token), or the error
// code, and whether this process loaded undici (only the one that refreshes should).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { getAccessToken } from '@codex-oauth/core';

const [issuer, codexHome] = process.argv.slice(2);
const loadedUndici = () =>
  Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('undici'));
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  let line;
  try {
    const { accessToken } = await getAccessToken({
      issuer,
      codexHome,
      storage: 'file',
      env: { CODEX_HOME: undefined, CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '300' },
    });
    line = { ok: true, sha256: createHash('sha256').update(accessToken).digest('hex') };
  } catch (error) {
    line = { ok: false, code: error?.code ?? 'unknown' };
  }
  process.stdout.write(`${JSON.stringify({ ...line, undici: loadedUndici() })}\n`);
  process.stdin.destroy();
});
