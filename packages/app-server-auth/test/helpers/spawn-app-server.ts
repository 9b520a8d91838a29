import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCodexBinary, unshareArgs } from '@codex-oauth/test-support/codex-cli';

/** A `codex app-server` running in a loopback-only network namespace. */
export interface IsolatedAppServer {
  child: ChildProcess;
  /** Everything it wrote to stderr (its logs), for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Inside the namespace: listen on each forwarded port and pipe it to a Unix socket (which crosses
 * namespaces), then exec Codex with inherited stdio. The same trick as test-support's
 * `runIsolated`, which collects output instead of giving us a live stdio to speak JSON-RPC on.
 */
const INNER = `
import { connect, createServer } from 'node:net';
import { spawn } from 'node:child_process';
const cfg = JSON.parse(process.env.APP_SERVER_NETNS);
delete process.env.APP_SERVER_NETNS;
await Promise.all(cfg.ports.map(([port, path]) => new Promise((resolve, reject) => {
  const server = createServer((inner) => {
    const outer = connect(path);
    inner.on('error', () => outer.destroy());
    outer.on('error', () => inner.destroy());
    inner.pipe(outer).pipe(inner);
  });
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
})));
const child = spawn(cfg.command, cfg.args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
`;

/**
 * Starts `codex app-server` under `unshare -n` with `CODEX_HOME=codexHome`; only the given
 * 127.0.0.1 ports of this process are reachable from inside, at the same numbers.
 */
export async function spawnIsolatedAppServer(options: {
  codexHome: string;
  forwardPorts: number[];
  args?: string[];
}): Promise<IsolatedAppServer> {
  const binary = findCodexBinary();
  const unshare = unshareArgs();
  if (!binary || !unshare) throw new Error('the Codex binary or unshare is unavailable');
  const socketDir = await mkdtemp(join(tmpdir(), 'app-server-netns-'));
  const outer: Server[] = [];
  const ports: [number, string][] = [];
  for (const port of options.forwardPorts) {
    const path = join(socketDir, `${port}.sock`);
    outer.push(await listenUnix(path, port));
    ports.push([port, path]);
  }
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.codexHome,
    CODEX_HOME: options.codexHome,
    LANG: 'C.UTF-8',
    RUST_LOG: 'warn',
    APP_SERVER_NETNS: JSON.stringify({
      ports,
      command: binary,
      args: ['app-server', ...(options.args ?? [])],
    }),
  };
  const script = 'ip link set lo up 2>/dev/null || true; exec "$@"';
  const child = spawn(
    'unshare',
    [...unshare, 'sh', '-c', script, 'sh', process.execPath, '--input-type=module', '-e', INNER],
    { env, cwd: options.codexHome, detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin?.on('error', () => {}); // it may exit before reading what we wrote
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // its own process group: Codex and the bridge
        } catch {}
      }
      await exited;
      await Promise.all(outer.map((s) => new Promise((resolve) => s.close(resolve))));
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

function listenUnix(path: string, port: number): Promise<Server> {
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
