/**
 * Every real Codex CLI the workspace tests against: `@openai/codex` (0.169.0) and the npm alias
 * `codex-0171` (`@openai/codex@0.171.0`), each as a path to its native binary, so a test can run
 * the same check on both under `unshare -n` with {@link runCodexBinary}.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type IsolatedRunOptions, type RunResult, runIsolated } from './codex-cli.js';

/** One installed Codex CLI. */
export interface CodexRelease {
  /** `0.169.0`, `0.171.0`. */
  version: string;
  /** The native binary. */
  binary: string;
}

const PACKAGES = ['@openai/codex', 'codex-0171'] as const;

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
};

/** The Codex releases installed here (Linux only: the native binary is run directly). */
export function codexReleases(): CodexRelease[] {
  const key = `${process.platform}-${process.arch}`;
  const triple = TRIPLES[key];
  if (!triple) return [];
  const require = createRequire(import.meta.url);
  const found: CodexRelease[] = [];
  for (const name of PACKAGES) {
    try {
      const wrapperJson = require.resolve(`${name}/package.json`);
      const { version } = createRequire(wrapperJson)(wrapperJson) as { version: string };
      const platformJson = createRequire(wrapperJson).resolve(`@openai/codex-${key}/package.json`);
      const binary = join(dirname(platformJson), 'vendor', triple, 'bin', 'codex');
      if (existsSync(binary)) found.push({ version, binary });
    } catch {
      // Not installed (or no build for this platform): the release is simply not offered.
    }
  }
  return found;
}

/**
 * Runs `binary args` with `CODEX_HOME` and `HOME` set to `codexHome`, in a loopback-only network
 * namespace with `forwardPorts` bridged in (see `runIsolated`).
 */
export function runCodexBinary(
  binary: string,
  args: string[],
  options: IsolatedRunOptions & { codexHome: string },
): Promise<RunResult> {
  const { codexHome, env, ...rest } = options;
  return runIsolated(binary, args, {
    ...rest,
    env: { HOME: codexHome, CODEX_HOME: codexHome, ...env },
  });
}
