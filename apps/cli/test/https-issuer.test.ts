import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import {
  createThrowawayCa,
  opensslUnavailableReason,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, removeDir, runCli, tempHome } from './helpers.js';

// The built CLI against an issuer over HTTPS whose certificate only a private CA vouches for.
// This goes through net-ca's CA loading inside the bundle (node:crypto's X509Certificate, served
// by the build's lazy built-in wrappers), which no test over plain HTTP reaches.

const noOpenssl = await opensslUnavailableReason();

describe.skipIf(noOpenssl)(
  `an HTTPS issuer behind a private CA${noOpenssl ? ` (skipped: ${noOpenssl})` : ''}`,
  () => {
    let ca: ThrowawayCa;
    let issuer: FakeIssuer;
    beforeAll(async () => {
      ca = await createThrowawayCa();
      issuer = await startFakeIssuer({
        registeredPorts: 'any',
        deviceAutoApprove: true,
        deviceInterval: '0',
        tls: { cert: ca.leaf.certPem, key: ca.leaf.keyPem },
      });
    });
    afterAll(async () => {
      await issuer?.stop();
      await ca?.cleanup();
    });

    it('signs in with CODEX_CA_CERTIFICATE, and is refused without it', async () => {
      const home = await tempHome();
      try {
        const env = cliEnv(home, { CODEX_OAUTH_ISSUER: issuer.url });
        const refused = await runCli(['login', '--flow', 'device', '--json'], env);
        expect(refused.code).toBe(2);
        expect(JSON.parse(refused.stdout).error.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');

        // doctor probes the same trust without undici (node:https, net-ca's trust list): refused too.
        const untrusted = await runCli(['doctor', '--json'], env);
        const refusedCheck = (
          JSON.parse(untrusted.stdout).checks as { id: string; details: string[]; fix?: string }[]
        ).find((c) => c.id === 'issuer');
        expect(refusedCheck).toMatchObject({
          details: ['CODEX_OAUTH_TLS_UNTRUSTED'],
          fix: expect.stringContaining('CODEX_CA_CERTIFICATE'),
        });

        const trusted = { ...env, CODEX_CA_CERTIFICATE: ca.ca.certPath };
        const r = await runCli(['login', '--flow', 'device', '--json'], trusted);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ email: 'user@example.test' });
        const doctor = await runCli(['doctor', '--json'], trusted);
        const checks = JSON.parse(doctor.stdout).checks as { id: string; verdict: string }[];
        expect(checks.find((c) => c.id === 'issuer')?.verdict).toBe('ok');
      } finally {
        await removeDir(home);
      }
    });
  },
);
