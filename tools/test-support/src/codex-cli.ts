/**
 * The real Codex CLI (`@openai/codex` 0.169.0) as a test subject, with no way out of the machine.
 *
 * Design. Every command runs under `unshare -n` (a fresh network namespace whose only interface is
 * its own loopback, brought up with `ip link set lo up`), so Codex cannot reach auth.openai.com or
 * anything else. That loopback is *not* the test process's loopback, so a fake issuer started by
 * the test is invisible inside. Instead of moving the issuer into the namespace (and losing its
 * live request log, clock and controls), we bridge chosen ports through Unix sockets, which live
 * in the file system and so cross network namespaces:
 *
 *   test process                          | namespace (unshare -n)
 *   fake issuer 127.0.0.1:P  <-  unix sock <-  bridge listening on 127.0.0.1:P  <-  codex
 *
 * The bridge is a tiny Node script started inside the namespace before Codex; it listens on the
 * same port numbers, so URLs (and `oauth_provenance.issuer`) are identical on both sides. Bytes
 * are piped untouched, so HTTPS works too. Ports not in `forwardPorts` are unreachable.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

let binaryCache: string | null | undefined;

/**
 * Path of the native Codex binary, or null when it is not installed. `CODEX_OAUTH_CODEX_BIN`
 * overrides; otherwise it resolves `@openai/codex` from this package, then its platform package
 * (as the wrapper's `bin/codex.js` does), and falls back to that wrapper script.
 */
export function findCodexBinary(): string | null {
  if (binaryCache !== undefined) return binaryCache;
  binaryCache = locate();
  return binaryCache;
}

function locate(): string | null {
  const override = process.env.CODEX_OAUTH_CODEX_BIN;
  if (override) return existsSync(override) ? override : null;
  const key = `${process.platform}-${process.arch}`;
  const triple = TRIPLES[key];
  let wrapperJson: string;
  try {
    wrapperJson = createRequire(import.meta.url).resolve('@openai/codex/package.json');
  } catch {
    return null;
  }
  if (triple) {
    try {
      const platformJson = createRequire(wrapperJson).resolve(`@openai/codex-${key}/package.json`);
      const binary = join(dirname(platformJson), 'vendor', triple, 'bin', 'codex');
      if (existsSync(binary)) return binary;
    } catch {
      // The optional platform package is missing: try the wrapper below.
    }
  }
  const wrapper = join(dirname(wrapperJson), 'bin', 'codex.js');
  return existsSync(wrapper) ? wrapper : null;
}

let unshareCache: string[] | null | undefined;

/**
 * The `unshare` arguments that work here: `-n` as root, else `-rn` (a user namespace maps us to
 * root so `ip link set lo up` is allowed). Null when neither works or `ip` (iproute2) is missing.
 */
export function unshareArgs(): string[] | null {
  if (unshareCache !== undefined) return unshareCache;
  unshareCache = null;
  for (const args of [['-n'], ['-rn']]) {
    const probe = spawnSync('unshare', [...args, 'sh', '-c', 'ip link set lo up'], {
      stdio: 'ignore',
      timeout: 5000,
    });
    if (probe.status === 0) {
      unshareCache = args;
      break;
    }
  }
  return unshareCache;
}

/** Can we make a loopback-only network namespace here? */
export function canUnshare(): boolean {
  return unshareArgs() !== null;
}

/** Why the real-Codex tests must be skipped here, or null when they can run. */
export function codexSkipReason(): string | null {
  if (process.platform !== 'linux')
    return `needs Linux network namespaces (on ${process.platform})`;
  if (!findCodexBinary()) return 'the @openai/codex binary is not installed';
  if (!canUnshare()) {
    return 'cannot run `unshare -n` with `ip link set lo up` (needs root or user namespaces, and iproute2)';
  }
  return null;
}

/** Options of {@link runIsolated} and {@link runCodex}. */
export interface IsolatedRunOptions {
  /** Extra environment; `undefined` removes a variable. The base is PATH, HOME, LANG only. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill the whole process group after this long. Default 30 000 ms. */
  timeoutMs?: number;
  /** Ports of 127.0.0.1 in this process's namespace to make reachable, at the same numbers, inside. */
  forwardPorts?: number[];
  /** Working directory. Default: the system temp dir. */
  cwd?: string;
}

/** Options of {@link runCodex}. */
export interface RunCodexOptions extends IsolatedRunOptions {
  /** An existing directory: `CODEX_HOME` (and `HOME`, so nothing touches the real home). */
  codexHome: string;
}

/** How a command ended. `code` is null when it was killed by a signal (e.g. the timeout). */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the timeout killed it. */
  timedOut: boolean;
}

/**
 * Run the real Codex CLI with `args` in a loopback-only network namespace.
 *
 * @example
 * const issuer = await startFakeIssuer({ deviceAutoApprove: true, deviceInterval: '0' });
 * const r = await runCodex(['login', '--device-auth', '--experimental_issuer', issuer.url],
 *   { codexHome, forwardPorts: [issuer.port] });
 */
export function runCodex(args: string[], options: RunCodexOptions): Promise<RunResult> {
  const binary = findCodexBinary();
  if (!binary) return Promise.reject(new Error('the @openai/codex binary is not installed'));
  const { codexHome, env, ...rest } = options;
  return runIsolated(binary, args, {
    ...rest,
    env: { HOME: codexHome, CODEX_HOME: codexHome, ...env },
  });
}

/** Source of the bridge that runs inside the namespace (see the module comment). */
const BRIDGE = `
import { connect, createServer } from 'node:net';
import { spawn } from 'node:child_process';
const cfg = JSON.parse(process.env.CODEX_OAUTH_NETNS_BRIDGE);
delete process.env.CODEX_OAUTH_NETNS_BRIDGE;
const servers = await Promise.all(cfg.ports.map(([port, path]) => new Promise((resolve, reject) => {
  const server = createServer((inner) => {
    const outer = connect(path);
    inner.on('error', () => outer.destroy());
    outer.on('error', () => inner.destroy());
    inner.pipe(outer).pipe(inner);
  });
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => resolve(server));
})));
const child = spawn(cfg.command, cfg.args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => { process.stderr.write('bridge: ' + error.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => {
  for (const server of servers) server.close();
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});
`;

/**
 * Run any command in a loopback-only network namespace, with `forwardPorts` bridged in.
 * `runCodex` is this with the Codex binary and a `CODEX_HOME`.
 */
export async function runIsolated(
  command: string,
  args: string[],
  options: IsolatedRunOptions = {},
): Promise<RunResult> {
  const unshare = unshareArgs();
  if (!unshare) throw new Error(codexSkipReason() ?? 'unshare is unavailable');
  const ports = options.forwardPorts ?? [];
  const socketDir = ports.length > 0 ? await mkdtemp(join(tmpdir(), 'codex-netns-')) : null;
  const outerServers: Server[] = [];
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: tmpdir(),
      LANG: 'C.UTF-8',
    };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    let inner = [command, ...args];
    if (socketDir) {
      const pairs: [number, string][] = [];
      for (const port of ports) {
        const path = join(socketDir, `${port}.sock`);
        outerServers.push(await listenBridge(path, port));
        pairs.push([port, path]);
      }
      env.CODEX_OAUTH_NETNS_BRIDGE = JSON.stringify({ ports: pairs, command, args });
      inner = [process.execPath, '--input-type=module', '-e', BRIDGE];
    }
    const script = 'ip link set lo up 2>/dev/null || true; exec "$@"';
    const child = spawn('unshare', [...unshare, 'sh', '-c', script, 'sh', ...inner], {
      env,
      cwd: options.cwd ?? tmpdir(),
      detached: true, // its own process group, so a timeout kills Codex and the bridge together
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return await collect(child, options);
  } finally {
    await Promise.all(outerServers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
  }
}

/** The outer half of a bridge: a Unix socket that forwards to 127.0.0.1:port here. */
function listenBridge(path: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      const upstream = connect(port, '127.0.0.1');
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

function collect(child: ChildProcess, options: IsolatedRunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin?.on('error', () => {}); // the command may exit without reading its input
    child.stdin?.end(options.input ?? '');
  });
}
