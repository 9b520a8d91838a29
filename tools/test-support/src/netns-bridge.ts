/**
 * A loopback-only network namespace with chosen ports of ours bridged in.
 *
 * Design. Every command runs under `unshare -n` (a fresh network namespace whose only interface is
 * its own loopback, brought up with `ip link set lo up`), so it cannot reach auth.openai.com or
 * anything else. That loopback is *not* the test process's loopback, so a fake issuer started by
 * the test is invisible inside. Instead of moving the issuer into the namespace (and losing its
 * live request log, clock and controls), we bridge chosen ports through Unix sockets, which live
 * in the file system and so cross network namespaces:
 *
 *   test process                          | namespace (unshare -n)
 *   fake issuer 127.0.0.1:P  <-  unix sock <-  bridge listening on 127.0.0.1:P  <-  command
 *
 * The bridge is a tiny Node script started inside the namespace before the command; it listens on
 * the same port numbers, so URLs (and `oauth_provenance.issuer`) are identical on both sides. Bytes
 * are piped untouched, so HTTPS works too. Ports not in `forwardPorts` are unreachable.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Where and how to start a command in the namespace. */
export interface NetnsLaunchOptions {
  /** Extra environment; `undefined` removes a variable. The base is PATH, HOME, LANG only. */
  env?: Record<string, string | undefined>;
  /** Ports of 127.0.0.1 in this process's namespace to make reachable, at the same numbers, inside. */
  forwardPorts?: number[];
  /** Working directory. Default: the system temp dir. */
  cwd?: string;
}

/** A command started in the namespace, with all three stdio streams piped. */
export interface NetnsLaunch {
  /**
   * The `unshare` process. It execs into the bridge (or the command), so its pid leads the process
   * group of everything inside: `process.kill(-child.pid, signal)` reaches them all.
   */
  child: ChildProcess;
  /** Resolves once the child has closed and the outer bridge sockets are gone. */
  closed: Promise<void>;
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
 * Start `command args` in a fresh loopback-only network namespace with `forwardPorts` bridged in.
 * The child is `detached` (its own process group), so one group kill ends the bridge and the
 * command together. Throws when `unshare -n` is unavailable here.
 */
export async function launchInNetns(
  command: string,
  args: string[],
  options: NetnsLaunchOptions = {},
): Promise<NetnsLaunch> {
  const unshare = unshareArgs();
  if (!unshare) {
    throw new Error(
      'cannot run `unshare -n` with `ip link set lo up` (needs root or user namespaces, and iproute2)',
    );
  }
  const ports = options.forwardPorts ?? [];
  const socketDir = ports.length > 0 ? await mkdtemp(join(tmpdir(), 'codex-netns-')) : null;
  const outerServers: Server[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.all(outerServers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
  };
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
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin?.on('error', () => {}); // the command may exit without reading its input
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve())).then(
      cleanup,
    );
    return { child, closed };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Signal every process of a launch's group; a group that is already gone is not an error. The
 * leader may have exited while something it started lives on, so this does not stop at its exit.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group is gone already.
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
