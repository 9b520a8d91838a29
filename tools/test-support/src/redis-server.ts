import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian's package (`apt-get install -y redis-server`); REDIS_SERVER, when set, is the only candidate.
const CANDIDATES = process.env.REDIS_SERVER
  ? [process.env.REDIS_SERVER]
  : ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/** The `redis-server` binary, or `undefined` when it is not installed. */
export const redisServerPath = CANDIDATES.find((path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** Why tests that need Redis skip, or `undefined` when they run. */
export const redisServerMissing = redisServerPath
  ? undefined
  : 'redis-server is not installed (apt-get install -y redis-server)';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Extra `redis-server` arguments. */
  args?: string[];
  /** Require this password (`--requirepass`); the helper's own commands authenticate with it. */
  password?: string;
  /** Listen on this port (default: a free one), e.g. to start Redis where a client already waits. */
  port?: number;
  /**
   * Serve TLS on the port (the URL becomes `rediss://`) with this certificate and key (PEM files),
   * e.g. a throwaway CA's leaf; plain RESP stays on a second loopback port for readiness checks.
   */
  tls?: { certPath: string; keyPath: string };
}

/** A private `redis-server` on a free loopback port, with its own temporary directory. */
export interface TestRedisServer {
  /** `redis://127.0.0.1:PORT`. */
  /** `redis://127.0.0.1:PORT`, or `rediss://` with the `tls` option. */
  readonly url: string;
  readonly port: number;
  /** The server's working directory (`--dir`); removed by {@link TestRedisServer.cleanup}. */
  readonly dir: string;
  /** True while the server process runs. */
  readonly running: boolean;
  /** SIGTERM and wait: with no save points configured, nothing is written to disk. */
  stop(): Promise<void>;
  /**
   * `SHUTDOWN SAVE`, as an operator's orderly restart of a server that keeps its data: the dataset
   * goes to `dump.rdb` in {@link TestRedisServer.dir}, which {@link TestRedisServer.start} loads.
   */
  shutdownSave(): Promise<void>;
  /** Starts the server again on the same port and directory (after `stop` or `shutdownSave`). */
  start(): Promise<void>;
  /** Stops the server if it runs and removes its directory. */
  cleanup(): Promise<void>;
}

/**
 * Starts `redis-server` on 127.0.0.1 and a free port, in a new temporary directory, with no
 * persistence (`--save '' --appendonly no`) and protected mode on. Every test file starts its own
 * and calls `cleanup()` after its tests.
 *
 * @example
 * const redis = await startRedisServer();
 * try { ... createClient({ url: redis.url }) ... } finally { await redis.cleanup(); }
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  if (!redisServerPath) throw new Error(redisServerMissing);
  const binary = redisServerPath;
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-redis-'));
  const port = options.port ?? (await freePort());
  // Without TLS the plain port is the server's port; with TLS it is a second one, for PING.
  const plainPort = options.tls ? await freePort() : port;
  const tls = options.tls
    ? [
        '--tls-port',
        String(port),
        '--tls-cert-file',
        options.tls.certPath,
        '--tls-key-file',
        options.tls.keyPath,
        '--tls-auth-clients',
        'no',
      ]
    : [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const args = [
    '--port',
    String(plainPort),
    ...tls,
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--logfile',
    '',
    '--daemonize',
    'no',
    ...(options.args ?? []),
  ];

  const start = async () => {
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let log = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-4000);
    });
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-4000);
    });
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(plainPort, options.password))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    stop: () => halt('SIGTERM'),
    async shutdownSave() {
      await command(plainPort, ['SHUTDOWN', 'SAVE'], options.password);
      await exited;
    },
    start,
    async cleanup() {
      await halt('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when the server on `port` answers PING (so it is ready, not only listening). */
async function accepts(port: number, password: string | undefined): Promise<boolean> {
  try {
    return (await command(port, ['PING'], password)).includes('+PONG');
  } catch {
    return false;
  }
}

/**
 * Sends one command in RESP (after `AUTH` when a password is given) and resolves with the replies
 * once each has arrived, or with what came when the server closed (SHUTDOWN closes it).
 */
function command(port: number, words: string[], password?: string): Promise<string> {
  const commands = password === undefined ? [words] : [['AUTH', password], words];
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.split('\r\n').length > commands.length) socket.end();
    });
    socket.once('close', () => resolve(reply));
    socket.write(commands.map(encode).join(''));
  });
}

function encode(words: string[]): string {
  return `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;
}
