import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { canBind, FOLLOW_BROWSER, freePort, runCli, startCli, useCliSandbox } from './helpers.js';

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

describe('login --flow browser', () => {
  it('shows the link, opens it with BROWSER, and saves auth.json for Codex', async () => {
    const log = join(home, 'browser.log');
    const r = await runCli(['login', '--flow', 'browser', '--port', '0'], {
      ...env,
      BROWSER: `${process.execPath} ${FOLLOW_BROWSER}`,
      FOLLOW_BROWSER_LOG: log,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${issuer.url}/oauth/authorize?response_type=code`);
    expect(r.stderr).toContain('Signed in as user@example.test (pro, workspace');
    expect(r.stdout).toBe('');
    // The BROWSER script followed the redirect through the loopback callback to the success page.
    // It is a child of the CLI and writes its log after reading the page, so it may still be
    // writing when the CLI has exited: wait for its line, as the slow-browser test below does.
    expect(await firstLine(log)).toContain('200 /success');
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    expect(stored.auth_mode).toBe('chatgpt');
    expect(issuer.isLive(stored.tokens.refresh_token)).toBe(true);
  });

  it('--json puts the result on stdout', async () => {
    const r = await runCli(['login', '--flow', 'browser', '--port', '0', '--json'], {
      ...env,
      BROWSER: `${process.execPath} ${FOLLOW_BROWSER}`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      flowUsed: 'browser_code',
      email: 'user@example.test',
      storage: 'file',
      persisted: true,
    });
  });

  it('waits for a slow browser to load the success page before it ends', async () => {
    // The sign-in completes when the callback arrives; the browser then loads /success. The
    // command must stay until it is served: a run that ended first printed nothing, exited 0,
    // and left the browser on "connection refused".
    const log = join(home, 'browser.log');
    const r = await runCli(['login', '--flow', 'browser', '--port', '0', '--json'], {
      ...env,
      BROWSER: `${process.execPath} ${FOLLOW_BROWSER}`,
      FOLLOW_BROWSER_LOG: log,
      FOLLOW_BROWSER_SUCCESS_DELAY_MS: '600',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flowUsed: 'browser_code' });
    expect(r.stderr).toContain('Signed in as user@example.test');
    // The stand-in browser is a child of the CLI and writes its log after reading the page, so
    // it may still be writing when the CLI has exited: wait for its line (a CLI that ended before
    // serving /success makes it write "failed /success" instead).
    expect(await firstLine(log)).toBe('200 /success');
  });

  it('Ctrl-C while waiting cancels (exit 130) and frees the port', async () => {
    const port = await freePort();
    const cli = startCli(['login', '--flow', 'browser', '--no-open', '--port', String(port)], env);
    await cli.waitForStderr('Waiting for the sign-in');
    expect(await canBind(port)).toBe(false);
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('CODEX_OAUTH_LOGIN_CANCELLED');
    expect(await canBind(port)).toBe(true);
  });
});

describe('login --flow device', () => {
  it('prints the link and the code, then signs in', async () => {
    const r = await runCli(['login', '--flow', 'device'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`Open ${issuer.url}/codex/device and enter the code [A-Z0-9]+-[A-Z0-9]+`),
    );
    expect(r.stderr).toContain('Signed in as user@example.test');
    expect((await runCli(['status'], env)).code).toBe(0);
  });
});

describe('login with a session stored', () => {
  it('keeps a working session; --force replaces it and warns first', async () => {
    expect((await runCli(['login', '--flow', 'device'], env)).code).toBe(0);
    const grants = issuer.issued.grants.length;
    const kept = await runCli(['login', '--flow', 'device'], env);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain('Already signed in as user@example.test');
    expect(issuer.issued.grants.length).toBe(grants);
    issuer.setAccount({ email: 'other@example.test', accountId: 'acct-other' });
    try {
      const forced = await runCli(['login', '--flow', 'device', '--force'], env);
      expect(forced.code, forced.stderr).toBe(0);
      const warned = forced.stderr.indexOf('this sign-in replaces that session');
      expect(warned).toBeGreaterThanOrEqual(0);
      expect(warned).toBeLessThan(forced.stderr.indexOf('enter the code'));
      expect(forced.stderr).toContain('Replaced the session of user@example.test');
      expect(forced.stderr).toContain('Signed in as other@example.test');
    } finally {
      issuer.setAccount({
        email: 'user@example.test',
        accountId: '6f1c2d3e-0000-4000-8000-00000000fa4e',
      });
    }
  });
});

describe('login with a damaged auth.json', () => {
  it('refuses without --force (exit 2, bytes untouched); --force moves it aside and signs in', async () => {
    const bytes = 'not json at all';
    await writeFile(join(home, 'auth.json'), bytes, { mode: 0o600 });
    const refused = await runCli(['login', '--flow', 'device', '--json'], env);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('CODEX_OAUTH_STORE_CORRUPT');
    expect(await readFile(join(home, 'auth.json'), 'utf8')).toBe(bytes);
    const forced = await runCli(['login', '--flow', 'device', '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    const backups = (await readdir(home)).filter((name) => name.startsWith('auth.json.bak-'));
    expect(backups).toHaveLength(1);
    expect(await readFile(join(home, backups[0] as string), 'utf8')).toBe(bytes);
  });
});

describe('login where nobody can answer', () => {
  it('flow auto without a terminal: typed error, exit 2, nothing bound or stored', async () => {
    const r = await runCli(['login', '--json'], env);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE');
  });

  it('in CI: says why once and gives the CLI ways out, not the library option', async () => {
    const r = await runCli(['login'], { ...env, CI: 'true' });
    expect(r.code).toBe(2);
    const errorLine = r.stderr.split('\n').find((line) => line.startsWith('✗')) ?? '';
    expect(errorLine).toContain('CI is set');
    expect(errorLine.match(/nobody can answer|No one can answer|No one here/g)).toHaveLength(1);
    for (const advice of ['--flow device', 'copy auth.json', 'codex-oauth login --with-api-key']) {
      expect(errorLine).toContain(advice);
    }
    expect(r.stderr).not.toContain('interactive: true');
    expect(r.stderr).not.toContain("flow: 'device'");
    expect(r.stderr.match(/CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE/g)).toHaveLength(1);
  });
});

/** The first complete line of `file`, once the stand-in browser has written one. */
async function firstLine(file: string): Promise<string> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.includes('\n')) return text.slice(0, text.indexOf('\n'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
