import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CODEX_VERSIONS, codexSkipReason, runCodex } from '@codex-oauth/test-support/codex-cli';
import { describe, expect, it } from 'vitest';
import { removeDir, runCli, runCliWithInput, tempHome, useCliSandbox } from './helpers.js';

// `codex-oauth login --with-api-key` (issue 22), beside `codex login --with-api-key`: the key on
// stdin, the same auth.json bytes, and the key never printed.

// A made-up key of the real shape (no such key exists anywhere).
const KEY = 'sk-proj-codexoauthTEST0000000000000000000000000000';

let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ home, env } = sandbox);
});

function expectNoKey(r: { stdout: string; stderr: string }): void {
  expect(r.stdout).not.toContain(KEY);
  expect(r.stderr).not.toContain(KEY);
  expect(r.stdout).not.toContain(KEY.slice(-8));
  expect(r.stderr).not.toContain(KEY.slice(-8));
}

describe('login --with-api-key', () => {
  it('stores the key from stdin (trimmed) in Codex format, 0600, and never prints it', async () => {
    const r = await runCliWithInput(['login', '--with-api-key'], env, `  ${KEY}\n\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Saved the API key');
    expectNoKey(r);
    const file = join(home, 'auth.json');
    expect(await readFile(file, 'utf8')).toBe(
      `{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "${KEY}"\n}`,
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ authenticated: true, authMode: 'apikey' });
    expectNoKey(status);
  });

  it('replaces a ChatGPT session whole (no token key survives) and says whose', async () => {
    expect((await runCli(['login', '--flow', 'device'], env)).code).toBe(0);
    const r = await runCliWithInput(['login', '--with-api-key'], env, KEY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Replaced the session of user@example.test');
    const written = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    expect(Object.keys(written)).toEqual(['auth_mode', 'OPENAI_API_KEY']);
  });

  it('refuses empty stdin, whitespace inside the key, and a key given as an argument', async () => {
    const empty = await runCliWithInput(['login', '--with-api-key'], env, ' \n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('No API key on stdin');
    const two = await runCliWithInput(['login', '--with-api-key'], env, `${KEY}\n${KEY}\n`);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('whitespace inside');
    expectNoKey(two);
    for (const args of [
      ['login', '--with-api-key', KEY],
      ['login', `--api-key=${KEY}`],
      ['login', '--api-key', KEY],
    ]) {
      const r = await runCliWithInput(args, env, '');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('never from the command line');
      expectNoKey(r);
    }
    await expect(readFile(join(home, 'auth.json'), 'utf8')).rejects.toThrow();
  });

  it('refuses to mix with the sign-in flags', async () => {
    const r = await runCliWithInput(['login', '--with-api-key', '--flow', 'device'], env, KEY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--with-api-key does not go with --flow');
  });

  it('honours forced_login_method = "chatgpt" as Codex does', async () => {
    await writeFile(join(home, 'config.toml'), 'forced_login_method = "chatgpt"\n');
    const r = await runCliWithInput(['login', '--with-api-key'], env, KEY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CODEX_OAUTH_LOGIN_METHOD_FORBIDDEN');
    expectNoKey(r);
  });
});

for (const version of CODEX_VERSIONS) {
  const skip = codexSkipReason(version);
  describe.skipIf(skip)(
    `the bytes of codex ${version} login --with-api-key${skip ? ` (skipped: ${skip})` : ''}`,
    { timeout: 60_000 },
    () => {
      it('are the bytes codex-oauth writes, for the same piped key', async () => {
        const codexHome = await tempHome();
        try {
          const codex = await runCodex(['login', '--with-api-key'], {
            codexHome,
            version,
            input: `${KEY}\n`,
          });
          expect(codex.code, codex.stderr).toBe(0);
          const ours = await runCliWithInput(['login', '--with-api-key'], env, `${KEY}\n`);
          expect(ours.code, ours.stderr).toBe(0);
          const theirs = await readFile(join(codexHome, 'auth.json'));
          expect((await readFile(join(home, 'auth.json'))).equals(theirs)).toBe(true);
          expect((await stat(join(home, 'auth.json'))).mode & 0o777).toBe(
            (await stat(join(codexHome, 'auth.json'))).mode & 0o777,
          );
          // And Codex reads ours as its own.
          const check = await runCodex(['login', 'status'], { codexHome: home, version });
          expect(check.code, check.stderr).toBe(0);
          expect(`${check.stdout}${check.stderr}`).toContain('API key');
        } finally {
          await removeDir(codexHome);
        }
      });
    },
  );
}
