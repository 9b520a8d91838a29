import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** The built command under test (the tests run what a user runs, not the sources). */
export const CLI = fileURLToPath(new URL('../bin/codex-oauth.js', import.meta.url));
/** A BROWSER stand-in that follows the sign-in redirects like a browser. */
export const FOLLOW_BROWSER = fileURLToPath(
  new URL('../scripts/follow-browser.mjs', import.meta.url),
);

/** How a CLI run ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process whose output can be waited for. */
export interface CliProcess {
  child: ChildProcess;
  /** Resolves once stderr contains `text` (rejects if the process ends first). */
  waitForStderr(text: string): Promise<void>;
  done: Promise<CliResult>;
}

/**
 * A clean environment for the CLI: only PATH and a HOME inside the test directory, so nothing
 * from the machine (a real ~/.codex, CI variables, proxies) leaks in; `extra` on top.
 */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home, ...extra };
}

/** Starts `node dist/cli.js ...args`. */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForStderr(text) {
      if (stderr.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        done.then((r) => reject(new Error(`exited (${r.code}) before "${text}":\n${r.stderr}`)));
      });
    },
  };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}

/** A fresh directory used as HOME and CODEX_HOME; remove with {@link removeDir}. */
export function tempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'codex-oauth-cli-'));
}

/** Removes a directory made by {@link tempHome}. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A port that was free a moment ago (bound on 127.0.0.1:0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether 127.0.0.1:`port` can be bound right now. */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** What {@link useCliSandbox} hands each test. */
export interface CliSandbox {
  issuer: FakeIssuer;
  home: string;
  env: Record<string, string>;
}

/**
 * The fixture every CLI test file shares: one fake issuer per file (device codes approve on their
 * first poll, so `login --flow device` signs in at once), and a fresh CODEX_HOME and CLI env per
 * test. `use` receives them after each setup step.
 */
export function useCliSandbox(use: (sandbox: CliSandbox) => void): void {
  const sandbox = {} as CliSandbox;
  beforeAll(async () => {
    sandbox.issuer = await startFakeIssuer({
      registeredPorts: 'any',
      deviceAutoApprove: true,
      deviceInterval: '0',
    });
    use(sandbox);
  });
  afterAll(() => sandbox.issuer.stop());
  beforeEach(async () => {
    sandbox.home = await tempHome();
    sandbox.env = cliEnv(sandbox.home, { CODEX_OAUTH_ISSUER: sandbox.issuer.url });
    use(sandbox);
  });
  afterEach(() => removeDir(sandbox.home));
}

/** Runs the CLI to the end with `input` piped to its stdin (then closed). */
export function runCliWithInput(
  args: string[],
  env: Record<string, string>,
  input: string,
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // The CLI may refuse before it reads (a usage error): a closed pipe is not a test failure.
  child.stdin?.on('error', () => {});
  child.stdin?.end(input);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
