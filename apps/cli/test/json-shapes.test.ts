import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, runCliWithInput, useCliSandbox } from './helpers.js';

// docs/json.md is the one place every --json document is described; this runs each command
// (the built CLI, the fake issuer, real files) and checks its keys are exactly the listed ones,
// so the document and the code cannot drift apart.

const DOC = readFileSync(fileURLToPath(new URL('../docs/json.md', import.meta.url)), 'utf8');

/** The keys listed between `<!-- shape: name -->` and `<!-- /shape -->`, in order. */
function documented(name: string): string[] {
  const start = DOC.indexOf(`<!-- shape: ${name} -->`);
  if (start === -1) throw new Error(`docs/json.md has no shape "${name}"`);
  const end = DOC.indexOf('<!-- /shape -->', start);
  return [...DOC.slice(start, end).matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1] as string);
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as object);
}

let env: Record<string, string>;
let home: string;
let issuer: FakeIssuer;

useCliSandbox((sandbox) => {
  ({ env, home, issuer } = sandbox);
});

async function json(args: string[], expectCode = 0): Promise<Record<string, unknown>> {
  const r = await runCli([...args, '--json'], env);
  expect(r.code, r.stderr).toBe(expectCode);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('every --json document has exactly the keys docs/json.md lists', () => {
  it('login, status, refresh, logout (and the refusal object) after a device sign-in', async () => {
    const login = await json(['login', '--flow', 'device']);
    expect(keysOf(login)).toEqual(documented('login'));
    const status = await json(['status']);
    expect(keysOf(status)).toEqual(documented('status'));
    const refresh = await json(['refresh', '--force']);
    expect(keysOf(refresh)).toEqual(documented('refresh'));
    expect(refresh.refreshed).toBe(true);
    const logout = await json(['logout']);
    expect(keysOf(logout)).toEqual(documented('logout'));
    expect(logout).toMatchObject({ signedOut: true, wasSignedIn: true, revoked: true });
  });

  it('status after a refused refresh: the refreshRefused object', async () => {
    await json(['login', '--flow', 'device']);
    const stored = JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'));
    issuer.expireRefreshToken(stored.tokens.refresh_token);
    await json(['refresh', '--force'], 1);
    const status = await json(['status'], 1);
    expect(keysOf(status)).toEqual(documented('status'));
    expect(keysOf(status.refreshRefused)).toEqual(documented('refreshRefused'));
  });

  it('login --with-api-key has the login shape', async () => {
    const r = await runCliWithInput(['login', '--with-api-key', '--json'], env, 'sk-shape\n');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(keysOf(doc)).toEqual(documented('login'));
    expect(doc).toMatchObject({ flowUsed: 'api_key', authMode: 'apikey', lastRefresh: null });
  });

  it('a paste sign-in prints the paste line first', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'login', '--flow', 'paste', '--port', '0', '--json'],
      {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const firstLine = new Promise<string>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      });
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = JSON.parse(await firstLine);
    expect(keysOf(line)).toEqual(documented('login-paste-prompt'));
    expect(keysOf(line.paste)).toEqual(['authorizeUrl', 'redirectUri']);
    child.kill('SIGINT');
    expect(await closed).toBe(130);
  });

  it('accounts, account, switch', async () => {
    await json(['login', '--flow', 'device']);
    const accounts = await json(['accounts']);
    expect(keysOf(accounts)).toEqual(documented('accounts'));
    const [first] = accounts.accounts as unknown[];
    expect(keysOf(first)).toEqual(documented('account'));
    const switched = await json(['switch', '1']);
    expect(keysOf(switched)).toEqual(documented('switch'));
    expect(keysOf(switched.account)).toEqual(documented('account'));
  });

  it('doctor', async () => {
    const r = await runCli(['doctor', '--json'], env);
    const doc = JSON.parse(r.stdout);
    expect(keysOf(doc)).toEqual(documented('doctor'));
    expect(doc.issuer).toBe(issuer.url);
  });

  it('keep-fresh --once: the started line', async () => {
    await json(['login', '--flow', 'device']);
    const r = await runCli(['keep-fresh', '--once', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const started = JSON.parse(r.stdout.split('\n')[0] as string);
    expect(keysOf(started)).toEqual(documented('keep-fresh-started'));
  });

  it('errors: { error: { code, title, message } }', async () => {
    const doc = await json(['status', '--no-such-flag'], 2);
    expect(keysOf(doc)).toEqual(documented('error'));
    expect(keysOf(doc.error)).toEqual(['code', 'title', 'message']);
  });
});
