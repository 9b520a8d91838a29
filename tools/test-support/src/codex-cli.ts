/**
 * The real Codex CLI (`@openai/codex` 0.169.0, and 0.171.0 through the `codex-0171` alias) as a
 * test subject, with no way out of the machine:
 * every command runs under `unshare -n` with only chosen ports of this process bridged in (see
 * `netns-bridge.ts` for how). `runIsolated`/`runCodex` collect the output of a command that ends;
 * `spawnIsolated`/`spawnCodex` keep stdio live for one that serves (`codex app-server`).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type IsolatedProcess,
  type SpawnIsolatedOptions,
  spawnIsolated,
} from './isolated-process.js';
import { canUnshare, killGroup, launchInNetns, type NetnsLaunchOptions } from './netns-bridge.js';

export {
  type IsolatedExit,
  type IsolatedProcess,
  type SpawnIsolatedOptions,
  spawnIsolated,
} from './isolated-process.js';
export { canUnshare, unshareArgs } from './netns-bridge.js';

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

/** The Codex CLI releases installed for tests: the one the suite was built on, and the newest. */
export const CODEX_VERSIONS = ['0.169.0', '0.171.0'] as const;

/** One of {@link CODEX_VERSIONS}. */
export type CodexVersion = (typeof CODEX_VERSIONS)[number];

/** The package each version is installed as (0.171.0 under an npm alias, beside 0.169.0). */
const PACKAGES: Record<CodexVersion, string> = {
  '0.169.0': '@openai/codex',
  '0.171.0': 'codex-0171',
};

const binaryCache = new Map<CodexVersion, string | null>();

/**
 * Path of the native Codex binary of `version` (default 0.169.0), or null when it is not
 * installed. `CODEX_OAUTH_CODEX_BIN` overrides the default version; otherwise it resolves the
 * version's package from this one, then its platform package (as the wrapper's `bin/codex.js`
 * does), and falls back to that wrapper script.
 */
export function findCodexBinary(version: CodexVersion = '0.169.0'): string | null {
  let found = binaryCache.get(version);
  if (found === undefined) {
    found = locate(version);
    binaryCache.set(version, found);
  }
  return found;
}

function locate(version: CodexVersion): string | null {
  const override = process.env.CODEX_OAUTH_CODEX_BIN;
  if (override && version === '0.169.0') return existsSync(override) ? override : null;
  const key = `${process.platform}-${process.arch}`;
  const triple = TRIPLES[key];
  let wrapperJson: string;
  try {
    wrapperJson = createRequire(import.meta.url).resolve(`${PACKAGES[version]}/package.json`);
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

/** Why the real-Codex tests (of `version`, default 0.169.0) must be skipped here, or null. */
export function codexSkipReason(version: CodexVersion = '0.169.0'): string | null {
  if (process.platform !== 'linux')
    return `needs Linux network namespaces (on ${process.platform})`;
  if (!findCodexBinary(version)) return `the @openai/codex ${version} binary is not installed`;
  if (!canUnshare()) {
    return 'cannot run `unshare -n` with `ip link set lo up` (needs root or user namespaces, and iproute2)';
  }
  return null;
}

/** Options of {@link runIsolated} and {@link runCodex}: `env`, `cwd`, `forwardPorts`, and these. */
export interface IsolatedRunOptions extends NetnsLaunchOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill the whole process group after this long. Default 30 000 ms. */
  timeoutMs?: number;
}

/** Options of {@link runCodex}. */
export interface RunCodexOptions extends IsolatedRunOptions {
  /** An existing directory: `CODEX_HOME` (and `HOME`, so nothing touches the real home). */
  codexHome: string;
  /** Which installed Codex runs. Default 0.169.0. */
  version?: CodexVersion;
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
  const { codexHome, env, version, ...rest } = options;
  const binary = findCodexBinary(version);
  if (!binary) return Promise.reject(new Error('the @openai/codex binary is not installed'));
  return runIsolated(binary, args, {
    ...rest,
    env: { HOME: codexHome, CODEX_HOME: codexHome, ...env },
  });
}

/**
 * Run any command in a loopback-only network namespace, with `forwardPorts` bridged in.
 * `runCodex` is this with the Codex binary and a `CODEX_HOME`.
 */
export async function runIsolated(
  command: string,
  args: string[],
  options: IsolatedRunOptions = {},
): Promise<RunResult> {
  const { input, timeoutMs, ...launch } = options;
  const { child, closed } = await launchInNetns(command, args, launch);
  try {
    return await collect(child, input, timeoutMs ?? 30_000);
  } finally {
    await closed;
  }
}

/** Options of {@link spawnCodex}. */
export interface SpawnCodexOptions extends SpawnIsolatedOptions {
  /** An existing directory: `CODEX_HOME` and `HOME`, and the working directory unless `cwd`. */
  codexHome: string;
  /** Which installed Codex runs. Default 0.169.0. */
  version?: CodexVersion;
}

/**
 * Start the real Codex CLI with `args` in a loopback-only network namespace and keep its stdio
 * live (see {@link spawnIsolated}); for `codex app-server`. Always `stop()` the handle.
 *
 * @example
 * const server = await spawnCodex(['app-server'], { codexHome, forwardPorts: [issuer.port] });
 */
export function spawnCodex(args: string[], options: SpawnCodexOptions): Promise<IsolatedProcess> {
  const { codexHome, env, cwd, version, ...rest } = options;
  const binary = findCodexBinary(version);
  if (!binary) return Promise.reject(new Error('the @openai/codex binary is not installed'));
  return spawnIsolated(binary, args, {
    ...rest,
    cwd: cwd ?? codexHome,
    env: { HOME: codexHome, CODEX_HOME: codexHome, ...env },
  });
}

function collect(
  child: ChildProcess,
  input: string | undefined,
  timeoutMs: number,
): Promise<RunResult> {
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
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin?.end(input ?? '');
  });
}
