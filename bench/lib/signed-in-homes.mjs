// A fake issuer whose clock can be moved back, and CODEX_HOMEs signed in against it: what the
// token benches need to compare a stored token that must be refreshed with a fresh one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login } from '../../packages/core/dist/index.js';
import { startFakeIssuer } from '../../packages/fake-issuer/dist/index.js';

const TWO_HOURS = 2 * 3600_000;

/**
 * Starts a fake issuer (device codes approved at once, no polling interval) and returns it with
 * `signedIn(expired, prefix)`: a new CODEX_HOME signed in with a device login, whose access token
 * is two hours old when `expired` (the refresh then mints tokens that live an hour).
 */
export async function issuerWithHomes() {
  let skew = 0;
  const issuer = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    now: () => Date.now() + skew,
  });
  async function signedIn(expired, prefix) {
    const home = mkdtempSync(join(tmpdir(), `codex-oauth-${prefix}-`));
    skew = expired ? -TWO_HOURS : 0;
    try {
      await login({
        codexHome: home,
        storage: 'file',
        issuer: issuer.url,
        flow: 'device',
        interactive: true,
        env: { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined },
      });
    } finally {
      skew = 0;
    }
    return home;
  }
  return { issuer, signedIn };
}
