import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { CLI, type CliResult, canBind, useCliSandbox } from './helpers.js';

// `login --flow paste` as a script drives it: the real CLI as a child process, its stdin a pipe.
// The fake issuer plays the browser on another machine (`issuer.authorize` follows the sign-in up
// to the redirect and returns its address without loading it), and the test pipes that address in.

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

interface PastingCli {
  /** Resolves with stderr once it contains `text`. */
  stderrHas(text: string): Promise<string>;
  stdoutHas(text: string): Promise<string>;
  write(text: string): void;
  end(): void;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

function startPasting(args: string[], extraEnv: Record<string, string> = {}): PastingCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitFor = (read: () => string, text: string, stream: 'stdout' | 'stderr') =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (read().includes(text)) {
          child[stream]?.off('data', check);
          resolve(read());
        }
      };
      child[stream]?.on('data', check);
      check();
      done.then((r) => reject(new Error(`exited (${r.code}) before "${text}":\n${r.stderr}`)));
    });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    stderrHas: (text) => waitFor(() => stderr, text, 'stderr'),
    stdoutHas: (text) => waitFor(() => stdout, text, 'stdout'),
    write: (text) => child.stdin?.write(text),
    end: () => child.stdin?.end(),
    kill: (signal) => child.kill(signal),
    done,
  };
}

const PROMPT = 'Paste the address here and press Enter:';

/** The sign-in link the CLI printed. */
function linkIn(stderr: string): string {
  const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(stderr)?.[1];
  if (!url) throw new Error(`no link in:\n${stderr}`);
  return url;
}

describe('login --flow paste, the address piped on stdin', () => {
  it('signs in, says what to copy and from where, and never prints the code', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const shown = await cli.stderrHas(PROMPT);
    expect(shown).toContain('Open this link in a browser on any machine and sign in:');
    expect(shown).toMatch(/copy the whole address from its address bar/);
    expect(shown).toMatch(/ssh -L \d+:127\.0\.0\.1:\d+/);
    const landed = await issuer.authorize(linkIn(shown));
    cli.write(`${landed}\n`);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Signed in as user@example.test');
    expect(r.stdout).toBe('');
    const code = new URL(landed).searchParams.get('code') as string;
    expect(r.stderr).not.toContain(code);
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    expect(issuer.isLive(stored.tokens.refresh_token)).toBe(true);
  });

  it('a bad line is explained and the next line signs in; a wrapped, quoted address works', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const landed = await issuer.authorize(linkIn(await cli.stderrHas(PROMPT)));
    cli.write('not the address\n');
    await cli.stderrHas('That is not the address the browser was sent to');
    // As a terminal may hand it over: quoted, and broken over two lines.
    cli.write(`"${landed.slice(0, 45)}\n${landed.slice(45)}"\n`);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Signed in as user@example.test');
    expect(r.stderr).not.toContain('not the address\n');
  });

  it('an address of another sign-in, then stdin closed: exit 2 with the rejection, port freed', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const shown = await cli.stderrHas(PROMPT);
    const link = new URL(linkIn(shown));
    const port = Number(new URL(link.searchParams.get('redirect_uri') as string).port);
    link.searchParams.set('state', 'another-sign-in-state-0123456789abcdefABCDEF');
    cli.write(`${await issuer.authorize(link.href)}\n`);
    cli.end();
    const r = await cli.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('belongs to another sign-in');
    expect(r.stderr).toContain('CODEX_OAUTH_REDIRECT_REJECTED');
    expect(await canBind(port)).toBe(true);
    await expect(readFile(join(home, 'auth.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an error=access_denied address keeps the prompt open', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const link = linkIn(await cli.stderrHas(PROMPT));
    issuer.setAuthorizeOutcome('access_denied');
    try {
      cli.write(`${await issuer.authorize(link)}\n`);
      await cli.stderrHas('This sign-in is still open');
    } finally {
      issuer.setAuthorizeOutcome('approve');
    }
    cli.write(`${await issuer.authorize(link)}\n`);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
  });

  it('--json prints the link on its own line first, waits for the line, then the result', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0', '--json']);
    const first = (await cli.stdoutHas('\n')).split('\n')[0] as string;
    const prompt = JSON.parse(first) as { paste: { authorizeUrl: string; redirectUri: string } };
    expect(prompt.paste.authorizeUrl).toMatch(/\/oauth\/authorize\?/);
    expect(prompt.paste.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
    cli.write(`${await issuer.authorize(prompt.paste.authorizeUrl)}\n`);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    const document = JSON.parse(r.stdout.slice(first.length + 1));
    expect(document).toMatchObject({ flowUsed: 'browser_code', email: 'user@example.test' });
  });

  it('the loopback still wins when the browser reaches it (or the port is forwarded)', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const landed = await issuer.authorize(linkIn(await cli.stderrHas(PROMPT)));
    await (await fetch(landed)).text();
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Signed in as user@example.test');
  });

  it('Ctrl-C while waiting for the paste cancels (exit 130) and frees the port', async () => {
    const cli = startPasting(['login', '--flow', 'paste', '--port', '0']);
    const link = new URL(linkIn(await cli.stderrHas(PROMPT)));
    const port = Number(new URL(link.searchParams.get('redirect_uri') as string).port);
    expect(await canBind(port)).toBe(false);
    cli.kill('SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('CODEX_OAUTH_LOGIN_CANCELLED');
    expect(await canBind(port)).toBe(true);
  });
});
