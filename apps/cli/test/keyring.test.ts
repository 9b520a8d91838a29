/**
 * The command with the OS keyring, against a real Secret Service started for this file:
 * `login --storage keyring`, then `status`/`token`/`refresh` following Codex's config.toml, and
 * nothing written to auth.json.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import {
  type SecretService,
  secretServiceSkipReason,
  startSecretService,
} from '@codex-oauth/test-support/secret-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliSandbox } from './helpers.js';

const skip = secretServiceSkipReason();
let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;
let service: SecretService | undefined;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});
beforeAll(async () => {
  if (!skip) service = await startSecretService();
});
afterAll(() => service?.stop());

describe.skipIf(skip)(`--storage keyring${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('signs in to the keyring; status, token and refresh follow config.toml; no auth.json', async () => {
    const withBus = { ...env, DBUS_SESSION_BUS_ADDRESS: (service as SecretService).address };
    const signIn = await runCli(['login', '--flow', 'device', '--storage', 'keyring'], withBus);
    expect(signIn.code, signIn.stderr).toBe(0);
    expect(signIn.stderr).toMatch(
      /Kept in the OS keyring \(Secret Service item "Codex Auth" \/ cli\|/,
    );
    expect(existsSync(join(home, 'auth.json'))).toBe(false);

    // Without the flag, status finds nothing in auth.json (Codex's default is the file)...
    const plain = await runCli(['status', '--json'], withBus);
    expect(JSON.parse(plain.stdout)).toMatchObject({ authenticated: false, storage: 'file' });
    // ...and with Codex set to the keyring, it follows config.toml and says why.
    await writeFile(join(home, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    const status = await runCli(['status', '--json'], withBus);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      authenticated: true,
      storage: 'keyring',
      path: null,
      storageReason: expect.stringContaining('cli_auth_credentials_store = "keyring"'),
    });
    const human = await runCli(['status'], withBus);
    expect(human.stderr).toMatch(/Storage: +keyring Secret Service item "Codex Auth" \/ cli\|/);
    expect(human.stderr).toMatch(/Chosen by: +cli_auth_credentials_store = "keyring"/);

    const token = await runCli(['token'], withBus);
    const grant = issuer.issued.grants.at(-1);
    expect(token.stdout.trim()).toBe(grant?.accessTokens.at(-1));
    const refresh = await runCli(['refresh', '--force', '--json'], withBus);
    expect(JSON.parse(refresh.stdout)).toMatchObject({ refreshed: true, storage: 'keyring' });
    expect(grant?.refreshTokens).toHaveLength(2);
    expect(existsSync(join(home, 'auth.json'))).toBe(false);

    const logout = await runCli(['logout'], withBus);
    expect(logout.code, logout.stderr).toBe(0);
    expect(await service?.search('Codex Auth')).not.toContain('attribute.service');
  });

  it('a refused refresh of the keyring session is remembered in CODEX_HOME, never in the keyring', async () => {
    const withBus = { ...env, DBUS_SESSION_BUS_ADDRESS: (service as SecretService).address };
    await writeFile(join(home, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    const signIn = await runCli(['login', '--flow', 'device'], withBus);
    expect(signIn.code, signIn.stderr).toBe(0);
    const grant = issuer.issued.grants.at(-1);
    issuer.expireRefreshToken(grant?.refreshTokens.at(-1) as string);
    expect((await runCli(['refresh', '--force'], withBus)).code).toBe(1);
    const status = await runCli(['status', '--json'], withBus);
    expect(status.code, status.stderr).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({
      authenticated: false,
      storageUsed: 'keyring',
      refreshRefused: { error: 'refresh_token_expired' },
    });
    expect(existsSync(join(home, 'codex-oauth', 'refused-refresh.json'))).toBe(true);
    expect(existsSync(join(home, 'auth.json'))).toBe(false);
    expect((await runCli(['logout', '--no-revoke'], withBus)).code).toBe(0);
  });
});
