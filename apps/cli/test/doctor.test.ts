import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { freePort, runCli, useCliSandbox } from './helpers.js';

interface DoctorCheck {
  id: string;
  verdict: 'ok' | 'info' | 'warn' | 'fail';
  summary: string;
  details: string[];
  fix?: string;
}

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

async function doctor(extraArgs: string[] = [], e = env) {
  const r = await runCli(['doctor', '--json', ...extraArgs], e);
  const doc = JSON.parse(r.stdout) as { ok: boolean; issuer: string; checks: DoctorCheck[] };
  const byId = (id: string) => doc.checks.find((c) => c.id === id);
  return { r, doc, byId };
}

describe('doctor', () => {
  it('reports environment with reasons, CA, proxy, issuer, auth.json, lock and config', async () => {
    expect((await runCli(['login', '--flow', 'device'], env)).code).toBe(0);
    const { r, doc, byId } = await doctor();
    expect(doc.issuer).toBe(issuer.url);
    // No terminal in a test: the environment check says login will not start on its own, why, and the fix.
    expect(byId('environment')).toMatchObject({
      verdict: 'warn',
      fix: expect.stringContaining('--flow device'),
    });
    expect(byId('environment')?.details.join(' ')).toContain('terminal');
    expect(byId('ca')?.verdict).toBe('ok');
    expect(byId('proxy')?.summary).toContain('direct connection');
    expect(byId('issuer')).toMatchObject({ verdict: 'ok' });
    expect(byId('auth')).toMatchObject({
      verdict: 'ok',
      summary: expect.stringContaining('user@example.test'),
    });
    expect(byId('codex-config')?.verdict).toBe('ok');
    expect(byId('lock')).toBeDefined();
    for (const c of doc.checks) expect(['ok', 'info', 'warn', 'fail']).toContain(c.verdict);
    expect(r.code).toBe(doc.ok ? 0 : 2);
  });

  it('names the process holding a port and gives a fix', async () => {
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const { r, doc, byId } = await doctor(['--port', String(port)]);
      const held = byId(`port-${port}`);
      expect(held?.verdict).toBe('fail');
      expect(held?.summary).toContain(`pid ${process.pid}`);
      expect(held?.fix).toBeTruthy();
      expect(doc.ok).toBe(false);
      expect(r.code).toBe(2);
    } finally {
      server.close();
    }
  });

  it('with --storage file, flags a keyring credential store in config.toml and a damaged auth.json', async () => {
    await writeFile(join(home, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    await writeFile(join(home, 'auth.json'), '{ nope');
    const { r, byId } = await doctor(['--storage', 'file']);
    expect(byId('codex-config')).toMatchObject({
      verdict: 'fail',
      fix: expect.stringContaining('cli_auth_credentials_store = "file"'),
    });
    expect(byId('auth')).toMatchObject({ verdict: 'fail', details: ['CODEX_OAUTH_STORE_CORRUPT'] });
    expect(r.code).toBe(2);
  });

  it('follows a keyring credential store, and says what is missing when no keyring answers', async () => {
    await writeFile(join(home, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    // The sandbox has no D-Bus session bus (no DBUS_SESSION_BUS_ADDRESS, no XDG_RUNTIME_DIR).
    const { r, byId } = await doctor();
    expect(byId('storage')?.summary).toMatch(
      /^keyring \(Secret Service item "Codex Auth" \/ cli\|/,
    );
    expect(byId('storage')?.details.join(' ')).toContain('cli_auth_credentials_store = "keyring"');
    expect(byId('codex-config')?.verdict).toBe('ok');
    expect(byId('auth')).toMatchObject({
      verdict: 'fail',
      details: ['CODEX_OAUTH_KEYRING_UNAVAILABLE'],
      summary: expect.stringContaining('no D-Bus session bus'),
    });
    expect(r.code).toBe(2);
  });

  it('an issuer that does not answer fails the network check with a typed code, within its bound', async () => {
    const closed = await freePort();
    const { byId } = await doctor(['--issuer', `http://127.0.0.1:${closed}`]);
    expect(byId('issuer')).toMatchObject({
      verdict: 'fail',
      details: ['CODEX_OAUTH_NETWORK_ERROR'],
    });
  });

  it('a refused loopback issuer is reported as not running there, not as a proxy problem', async () => {
    const closed = await freePort();
    const { byId } = await doctor([], { ...env, CODEX_OAUTH_ISSUER: `http://localhost:${closed}` });
    const fix = byId('issuer')?.fix ?? '';
    expect(byId('issuer')?.summary).toContain('ECONNREFUSED');
    expect(fix).toContain(`Nothing is listening at http://localhost:${closed}`);
    expect(fix).toContain('CODEX_OAUTH_ISSUER');
    expect(fix).not.toContain('HTTPS_PROXY');
  });

  it('a proxied issuer goes through the proxy, and a dead proxy gets the proxy advice', async () => {
    const closed = await freePort();
    const proxied = { ...env, HTTP_PROXY: `http://127.0.0.1:${closed}`, NO_PROXY: '' };
    const { byId } = await doctor([], proxied);
    expect(byId('proxy')?.summary).toContain(`127.0.0.1:${closed}`);
    expect(byId('issuer')).toMatchObject({
      verdict: 'fail',
      details: ['CODEX_OAUTH_NETWORK_ERROR'],
      fix: expect.stringContaining('proxy (HTTPS_PROXY / HTTP_PROXY) is running'),
    });
  });

  it('flags a CODEX_HOME others can enter and token files others can read, with the chmod', async () => {
    expect((await runCli(['login', '--flow', 'device', '--add'], env)).code).toBe(0);
    const tight = await doctor();
    expect(tight.byId('codex-home-mode')).toMatchObject({
      verdict: 'ok',
      summary: expect.stringContaining('mode 700'),
    });
    expect(tight.byId('auth-mode')).toBeUndefined();

    await chmod(home, 0o755);
    await chmod(join(home, 'auth.json'), 0o644);
    const { r, byId } = await doctor();
    expect(byId('codex-home-mode')).toMatchObject({
      verdict: 'warn',
      summary: expect.stringContaining('mode 755'),
      fix: `chmod 700 ${home}`,
    });
    expect(byId('auth-mode')).toMatchObject({
      verdict: 'warn',
      details: [`${join(home, 'auth.json')}: mode 644`],
      fix: `chmod 600 ${join(home, 'auth.json')}`,
    });
    // Warnings, not failures: the tokens themselves are still 0600 or the user chose otherwise.
    expect(r.code).toBe(0);
  });

  it('a browser opener with no display is not a pass; a display or BROWSER makes it one', async () => {
    const bin = join(home, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const path = { ...env, PATH: `${bin}:${env.PATH}` };
    const headless = await doctor(['--flow', 'browser'], path);
    expect(headless.byId('browser')).toMatchObject({
      verdict: 'warn',
      summary: expect.stringMatching(/xdg-open found, but not usable: no display here/),
      fix: expect.stringContaining('--flow device'),
    });
    const desktop = await doctor(['--flow', 'browser'], { ...path, DISPLAY: ':0' });
    expect(desktop.byId('browser')).toMatchObject({ verdict: 'ok', summary: 'xdg-open' });
    const chosen = await doctor(['--flow', 'browser'], { ...path, BROWSER: 'true' });
    expect(chosen.byId('browser')).toMatchObject({ verdict: 'ok', summary: 'true (from BROWSER)' });
  });

  it('prints a readable report on stderr without --json', async () => {
    const r = await runCli(['doctor'], env);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Environment: +linux/);
    expect(r.stderr).toContain('fix:');
  });
});
