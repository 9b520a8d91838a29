import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../src/loopback/loopback-server.js';
import { CodexOAuthError } from '../src/model/errors.js';

// Several sign-ins at once, on the registered ports, with real servers: two of this process
// (a web host signing two people in), and one of another program (Codex's `/cancel` takeover).

const CHILD = fileURLToPath(new URL('fixtures/loopback-child.mjs', import.meta.url));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });
}

const started: LoopbackServer<unknown>[] = [];
async function start(
  opts: { takeOverPort?: boolean; fallbackPort?: number | null } = {},
): Promise<LoopbackServer<unknown>> {
  const server = await startLoopbackServer<unknown>({
    port: 1455,
    expectedState: 'state-of-this-process',
    handleCode: async () => ({}),
    successGraceMs: 50,
    ...opts,
  });
  started.push(server);
  return server;
}

/** Another program's sign-in on `port`; resolves once it listens. */
async function otherProgram(port: number): Promise<{
  child: ChildProcess;
  output: () => string;
  ended: Promise<string>;
  stop: () => Promise<void>;
}> {
  const child = spawn(process.execPath, [CHILD, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let onEnded!: (line: string) => void;
  const ended = new Promise<string>((resolve) => {
    onEnded = resolve;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('bound ')) resolve();
      const match = /ended (\S+)/.exec(output);
      if (match) onEnded(match[1] as string);
    });
  });
  return {
    child,
    output: () => output,
    ended,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** A browser's callback with a code; resolves with the HTTP status. */
function callback(port: number, state: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/auth/callback?state=${state}&code=ac_0123`, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function rejection(promise: Promise<unknown>): Promise<CodexOAuthError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CodexOAuthError);
    return err as CodexOAuthError;
  }
  throw new Error('expected a rejection');
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

const busy = !(await portIsFree(1455)) || !(await portIsFree(1457));
const why = busy ? ' (skipped: 1455 or 1457 is held by another process on this machine)' : '';

describe.sequential('concurrent browser sign-ins on 1455 and 1457', () => {
  it.skipIf(busy)(
    `a second sign-in of this process takes 1457 and leaves the first running${why}`,
    async () => {
      const first = await start();
      const second = await start();
      expect(first.port).toBe(1455);
      expect(second.port).toBe(1457);
      // A third gets the typed error; the first two go on.
      const third = await rejection(start());
      expect(third.code).toBe('CODEX_OAUTH_LOGIN_IN_PROGRESS');
      expect(third.message).toContain('127.0.0.1:1455 and 127.0.0.1:1457');
      expect(third.message).toContain('left running');

      // Both still finish: each callback server takes its own browser's callback.
      expect(await callback(1455, 'state-of-this-process')).toBe(302);
      expect(await callback(1457, 'state-of-this-process')).toBe(302);
      await expect(first.result).resolves.toEqual({});
      await expect(second.result).resolves.toEqual({});

      // Once the first is done, its port is this process's to use again.
      await first.close();
      const again = await start();
      expect(again.port).toBe(1455);
      await second.close();
      await again.close();
      expect(await portIsFree(1455)).toBe(true);
      expect(await portIsFree(1457)).toBe(true);
    },
    20_000,
  );

  it.skipIf(busy)(
    `without a fallback port, a second sign-in of this process is LOGIN_IN_PROGRESS${why}`,
    async () => {
      const first = await start({ fallbackPort: null });
      const error = await rejection(start({ fallbackPort: null }));
      expect(error.code).toBe('CODEX_OAUTH_LOGIN_IN_PROGRESS');
      await first.close();
      expect(await portIsFree(1455)).toBe(true);
    },
  );

  it.skipIf(busy)(
    `takes 1455 over from another program with GET /cancel, as Codex does${why}`,
    async () => {
      const other = await otherProgram(1455);
      try {
        const ours = await start();
        expect(ours.port).toBe(1455);
        await expect(other.ended).resolves.toBe('CODEX_OAUTH_LOGIN_CANCELLED');
      } finally {
        await other.stop();
      }
    },
    20_000,
  );

  it.skipIf(busy)(
    `takeOverPort: false leaves another program's sign-in alone and takes 1457${why}`,
    async () => {
      const other = await otherProgram(1455);
      try {
        const ours = await start({ takeOverPort: false });
        expect(ours.port).toBe(1457);
        const error = await rejection(start({ takeOverPort: false }));
        expect(error.code).toBe('CODEX_OAUTH_LOGIN_IN_PROGRESS');
        // The other program's sign-in was never cancelled: it still finishes with its callback.
        expect(await callback(1455, 'child-state')).toBe(302);
        await expect(other.ended).resolves.toBe('ok');
      } finally {
        await other.stop();
      }
    },
    20_000,
  );
});
