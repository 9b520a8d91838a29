import { spawn, spawnSync } from 'node:child_process';

/** What a finished command printed, and how long it took. */
export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Return a failed result instead of throwing. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

/**
 * The environment for a child outside the workspace: pnpm exports `npm_config_*`, `npm_package_*`
 * and `npm_lifecycle_*` to scripts, and npm would read them as its own settings (the workspace's
 * lockfile and registry choices), so none of them reach the child.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm|pnpm)_/i.test(key) && key !== 'INIT_CWD' && key !== 'PNPM_SCRIPT_SRC_DIR') {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; throws with its output when it fails (unless allowed). */
export function run(command: string, args: string[], options: RunOptions): RunResult {
  const started = performance.now();
  const child = spawnSync(command, args, {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
  });
  const result: RunResult = {
    status: child.status,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? '',
    ms: performance.now() - started,
  };
  if (child.error) throw child.error;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.status}\n` +
        `${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  }
  return result;
}

/**
 * {@link run} without blocking the event loop, for commands that talk to a server in this process
 * (the local registry, the fake issuer).
 */
export function runAsync(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 600_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const result = { status, stdout, stderr, ms: performance.now() - started };
      if (status !== 0 && !options.allowFailure) {
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${options.cwd}) exited ${status}\n` +
              `${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
          ),
        );
      } else resolve(result);
    });
  });
}
