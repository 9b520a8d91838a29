/**
 * When the keyring cannot be used — no session bus, a bus with no Secret Service, a locked
 * collection, a bus that stopped answering — every call ends with a typed error within its
 * timeout, `storage: 'auto'` (config `auto`) falls back to auth.json as Codex does, and nothing is
 * written anywhere Codex cannot see (the kernel keyring stays empty). Real daemons, no mocks.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chooseStorage, ErrorCodes, status } from '@codex-oauth/core';
import { makeTestRecord } from '@codex-oauth/core/testing';
import * as files from '@codex-oauth/store-file';
import { type SecretService, startSecretService } from '@codex-oauth/test-support/secret-service';
import { afterEach, describe, expect, it } from 'vitest';
import { keyringStore } from '../src/index.js';
import { skipReason, titled, useSecretService } from './secret-service-env.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./fixtures/keyring-child.mjs', import.meta.url));
const { root, service } = useSecretService();
const noKeyctl = spawnSync('sh', ['-c', 'command -v keyctl'], { stdio: 'ignore' }).status !== 0;

let extra: SecretService | undefined;
afterEach(async () => {
  await extra?.stop();
  extra = undefined;
});

/** A CODEX_HOME whose config.toml says `cli_auth_credentials_store = "<mode>"`. */
async function home(name: string, mode: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.toml'), `cli_auth_credentials_store = "${mode}"\n`);
  return dir;
}

/** An environment with no session bus at all, whatever this machine has. */
const noBus = (dir: string) => ({
  CODEX_HOME: undefined,
  DBUS_SESSION_BUS_ADDRESS: undefined,
  XDG_RUNTIME_DIR: dir,
});
const busEnv = (ss: SecretService) => ({
  CODEX_HOME: undefined,
  DBUS_SESSION_BUS_ADDRESS: ss.address,
});

describe.skipIf(skipReason)(titled('store-keyring when the keyring cannot be used'), () => {
  it('no session bus: a typed error naming what is missing; auto falls back to auth.json', async () => {
    const dir = await home('no-bus', 'keyring');
    const store = keyringStore({ codexHome: dir, env: noBus(dir) });
    await expect(store.save(makeTestRecord())).rejects.toMatchObject({
      code: ErrorCodes.KEYRING_UNAVAILABLE,
      message: expect.stringContaining('no D-Bus session bus'),
    });
    // config "keyring": the session says so too, instead of quietly using auth.json.
    await expect(status({ codexHome: dir, env: noBus(dir) })).rejects.toMatchObject({
      code: ErrorCodes.KEYRING_UNAVAILABLE,
    });
    // config "auto": Codex falls back to the file; so do we, and say why.
    const auto = await home('no-bus-auto', 'auto');
    const result = await status({ codexHome: auto, env: noBus(auto) });
    expect(result.storageUsed).toBe('file');
    expect(result.warnings.join('\n')).toMatch(/OS keyring cannot be used.*as Codex does/);
  });

  it('a bus with no Secret Service: KEYRING_UNAVAILABLE naming org.freedesktop.secrets', async () => {
    // In a child: the binding keeps the first bus it connected to for the life of a process.
    extra = await startSecretService({ provider: false });
    const child = await run(process.execPath, [CHILD, join(root, 'no-provider'), '3000'], {
      env: {
        ...process.env,
        ...busEnv(extra),
        CODEX_OAUTH_TEST_RECORD: JSON.stringify(makeTestRecord()),
      },
      timeout: 20_000,
    });
    const answer = JSON.parse(child.stdout);
    expect(answer).toMatchObject({ outcome: ErrorCodes.KEYRING_UNAVAILABLE });
    expect(answer.message).toContain('org.freedesktop.secrets');
  });

  it('a locked keyring: KEYRING_LOCKED, never a prompt that hangs; auto falls back', async () => {
    // The file's own Secret Service (this process's bus): locked for good, so this runs last of
    // the tests that use it in-process.
    const ss = service();
    const dir = await home('locked', 'keyring');
    const store = keyringStore({ codexHome: dir, env: busEnv(ss) });
    await store.save(makeTestRecord());
    await ss.lock();
    await expect(store.load()).rejects.toMatchObject({ code: ErrorCodes.KEYRING_LOCKED });
    await expect(store.save(makeTestRecord())).rejects.toMatchObject({
      code: ErrorCodes.KEYRING_LOCKED,
    });
    // config "auto", nothing stored anywhere: the keyring is tried first, and the save that it
    // refuses goes to auth.json instead, as Codex's does, with a warning that says why.
    const auto = await home('locked-auto', 'auto');
    const choice = await chooseStorage({
      storage: 'auto',
      codexHome: auto,
      env: busEnv(ss),
      file: files,
      keyring: async () => ({ keyringStore }),
    });
    expect(choice.backend).toBe('keyring');
    await choice.store.save(makeTestRecord());
    expect(choice.store.kind).toBe('file');
    expect(existsSync(join(auto, 'auth.json'))).toBe(true);
    expect(choice.store.describe?.().warnings?.join('\n')).toContain('locked');
    // And a later call finds the sign-in in auth.json (the keyring is still empty).
    const result = await status({ codexHome: auto, env: busEnv(ss) });
    expect(result).toMatchObject({ authenticated: true, storageUsed: 'file' });
  });

  it('a bus that stopped answering: the call gives up at its timeout and the process ends', async () => {
    extra = await startSecretService();
    extra.freezeBus();
    const dir = join(root, 'frozen');
    // The timeout from the environment (the CLI's way to set it), named in the message.
    const child = await run(process.execPath, [CHILD, dir], {
      env: {
        ...process.env,
        ...busEnv(extra),
        CODEX_OAUTH_KEYRING_TIMEOUT_MS: '800',
        CODEX_OAUTH_TEST_RECORD: JSON.stringify(makeTestRecord()),
      },
      // Far beyond the call's timeout: reaching this would mean a hang.
      timeout: 20_000,
    });
    extra.resume();
    expect(JSON.parse(child.stdout)).toMatchObject({
      outcome: ErrorCodes.KEYRING_UNAVAILABLE,
      message: expect.stringContaining('did not answer within 800 ms'),
    });
  });

  it.skipIf(noKeyctl)(
    `${noKeyctl ? '(skipped: keyctl is not installed, Debian keyutils) ' : ''}no provider: nothing lands in the kernel keyring`,
    async () => {
      // A bus with no Secret Service, so the call does reach the binding (an unpinned entry would
      // now fall back to the kernel keyring), in a private session keyring for the child
      // (`keyctl session -`), so what it writes stays there and `keyctl show @s` lists it.
      extra = await startSecretService({ provider: false });
      const dir = join(root, 'kernel');
      const script = `node ${JSON.stringify(CHILD)} ${JSON.stringify(dir)} 2000; keyctl show @s`;
      const child = await run('keyctl', ['session', '-', 'sh', '-c', script], {
        env: {
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: extra.address,
          CODEX_OAUTH_TEST_RECORD: JSON.stringify(makeTestRecord()),
        },
        timeout: 20_000,
      });
      const [outcome, ...keyring] = child.stdout.trim().split('\n');
      const answer = JSON.parse(outcome ?? '{}');
      expect(answer).toMatchObject({ outcome: ErrorCodes.KEYRING_UNAVAILABLE });
      expect(answer.message).toContain('org.freedesktop.secrets');
      expect(keyring.join('\n')).not.toMatch(/Codex Auth|cli\|/);
      expect(existsSync(join(dir, 'auth.json'))).toBe(false);
    },
  );
});
