import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { killGroup, launchInNetns, type NetnsLaunchOptions } from './netns-bridge.js';

/** Options of {@link spawnIsolated}: environment, working directory and bridged ports. */
export type SpawnIsolatedOptions = NetnsLaunchOptions;

/** How a live isolated process ended. `code` is null when a signal ended it. */
export interface IsolatedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A command running in a loopback-only network namespace with live, piped stdio: enough of a
 * `ChildProcess` to hand `{ stdin, stdout }` to a JSON-RPC client.
 */
export interface IsolatedProcess {
  /** The `unshare` process; its pid leads the process group of everything inside. */
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** The command's stdin (write errors after it exits are swallowed). */
  readonly stdin: Writable;
  readonly stdout: Readable;
  /**
   * The command's stderr, already flowing into {@link IsolatedProcess.stderrText}: a listener
   * added later sees only what comes after it.
   */
  readonly stderr: Readable;
  /** Everything written to stderr so far (logs, for failure messages). */
  stderrText(): string;
  /**
   * Signal the whole process group (the bridge, the command and anything it started), not just
   * the leader. Default `SIGTERM`, like `ChildProcess.kill`.
   */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the process has closed and the bridge's outer sockets are removed. */
  readonly exited: Promise<IsolatedExit>;
  /** `SIGKILL` the group (when still running) and wait for {@link IsolatedProcess.exited}. */
  stop(): Promise<IsolatedExit>;
}

/** Groups still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A failing test may never reach its `stop()`: do not leave Codex running behind the worker.
  process.once('exit', () => {
    for (const running of live) killGroup(running);
  });
}

/**
 * Start `command args` under `unshare -n` with `forwardPorts` bridged in (as `runIsolated` does)
 * and keep its stdio live, e.g. to speak JSON-RPC to `codex app-server`. Always `stop()` it.
 *
 * @example
 * const server = await spawnIsolated(findCodexBinary()!, ['app-server'], {
 *   env: { HOME: home, CODEX_HOME: home }, forwardPorts: [issuer.port] });
 * try { await connectAppServerAuth({ appServer: server, store, refresh }); }
 * finally { await server.stop(); }
 */
export async function spawnIsolated(
  command: string,
  args: string[],
  options: SpawnIsolatedOptions = {},
): Promise<IsolatedProcess> {
  const { child, closed } = await launchInNetns(command, args, options);
  const { stdin, stdout, stderr } = child;
  if (!stdin || !stdout || !stderr) throw new Error('spawnIsolated: stdio is not piped');
  track(child);
  let stderrText = '';
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrText += chunk;
  });
  // A spawn failure emits 'error', then 'close' with a negative exit code: `exited` reports it.
  child.on('error', () => {});
  const exited = closed.then((): IsolatedExit => {
    live.delete(child);
    return { code: child.exitCode, signal: child.signalCode };
  });
  return {
    child,
    pid: child.pid,
    stdin,
    stdout,
    stderr,
    stderrText: () => stderrText,
    kill: (signal = 'SIGTERM') => killGroup(child, signal),
    exited,
    async stop() {
      killGroup(child, 'SIGKILL');
      return exited;
    },
  };
}
