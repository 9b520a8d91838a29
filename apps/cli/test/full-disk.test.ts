import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { mountNamespaceArgs, runOnSmallDisk } from '@codex-oauth/test-support/small-disk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, removeDir, tempHome } from './helpers.js';

// `codex-oauth token` when the refresh is due and CODEX_HOME's disk is full: the issuer has
// retired the old refresh token by the time the CLI saves, so a failed save would sign the user
// out. All of it runs in one private mount namespace whose CODEX_HOME is a real 64 KiB tmpfs.
const SCRIPT = `
  node "$CLI" login --flow device >/dev/null 2>&1 || exit 11
  dd if=/dev/zero of="$CODEX_HOME/ballast" bs=4096 2>/dev/null
  dd if=/dev/zero of="$CODEX_HOME/ballast-tail" bs=1 2>/dev/null
  # So the test can tell: not one more byte fits.
  printf x > "$CODEX_HOME/probe" 2>/dev/null && exit 13
  node "$CLI" token --refresh-window 120 || exit 12
  CODEX_OAUTH_REFRESH_WINDOW_SECONDS=120 node "$CLI" status --json >&2
`;

let issuer: FakeIssuer;
beforeAll(async () => {
  issuer = await startFakeIssuer({
    registeredPorts: 'any',
    deviceAutoApprove: true,
    deviceInterval: '0',
    accessTokenTtlSeconds: 60,
    refreshedAccessTokenTtlSeconds: 3600,
  });
});
afterAll(() => issuer?.stop());

const canMount = mountNamespaceArgs() !== null;
// Where no mount namespace can be made, the test is skipped and its name says why.
const needs = canMount ? '' : ' (skipped: needs a private mount namespace, unshare -m or -rm)';

describe.skipIf(!canMount)(`token on a full disk${needs}`, () => {
  it('refreshes, saves the rotated tokens in place and prints the new access token', async () => {
    const home = await tempHome();
    try {
      const env = { ...cliEnv(home, { CODEX_OAUTH_ISSUER: issuer.url }), CLI };
      const run = await runOnSmallDisk(home, 64, 'sh', ['-c', SCRIPT], env);
      expect(run.code, run.stderr.split('\n')[0]).toBe(0);
      const grant = issuer.issued.grants.at(-1);
      expect(grant?.refreshCount).toBe(1);
      expect(run.stdout === `${grant?.accessTokens.at(-1)}\n`).toBe(true);
      // The rotated tokens were saved: the next command reads them, not the retired ones.
      expect(JSON.parse(run.stderr)).toMatchObject({ authenticated: true, needsRefresh: false });
    } finally {
      await removeDir(home);
    }
  });
});
