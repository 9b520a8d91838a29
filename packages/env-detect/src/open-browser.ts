import { browserOpener, parseWebUrl, type Which } from './browser-opener.js';
import { detectEnvironment } from './detect-environment.js';
import type { Env, EnvironmentInfo } from './types.js';

/** Why {@link openBrowser} launched nothing. */
export type OpenFailureReason = 'invalid-url' | 'no-opener' | 'spawn-failed';

/**
 * What {@link openBrowser} did. `launched: true` means the opener process started; whether a
 * browser window appeared is beyond what a process can know, so always show the URL as well.
 */
export type OpenResult =
  | { launched: true; command: string }
  | { launched: false; reason: OpenFailureReason; detail: string };

/** Options of {@link openBrowser}. */
export interface OpenBrowserOptions {
  /**
   * The full environment (default `process.env`): it decides the opener (`BROWSER`, `PATH`, WSL
   * variables) and is handed to the opener process.
   */
  env?: Env;
  /** Where we are; default `detectEnvironment({ env })`. Only `os` and `wsl` are read. */
  envInfo?: Pick<EnvironmentInfo, 'os' | 'wsl'>;
  /** Finds a command on `PATH` (default: scans `env.PATH`). */
  which?: Which;
}

/**
 * Opens `url` in a browser, the way {@link browserOpener} describes, and never blocks on it: the
 * opener is spawned detached with its output ignored and unreferenced, so the login goes on and
 * this process can exit while the opener still runs. The promise settles as soon as the process
 * has started (`'spawn'`) or failed to (`'error'`, such as ENOENT); it never waits for an exit.
 *
 * Never throws: a URL that is not http(s), no opener, or a failed spawn are results. It opens
 * whatever the environment says, even when nobody is interactive; that decision is the caller's.
 *
 * @example
 * ```ts
 * const result = await openBrowser(authorizeUrl);
 * if (!result.launched) console.error(`Open this link to sign in: ${authorizeUrl}`);
 * ```
 */
export async function openBrowser(url: string, opts: OpenBrowserOptions = {}): Promise<OpenResult> {
  if (!parseWebUrl(url)) {
    return {
      launched: false,
      reason: 'invalid-url',
      detail: 'Only http and https URLs are opened',
    };
  }
  const env = opts.env ?? process.env;
  const envInfo = opts.envInfo ?? detectEnvironment({ env });
  const opener = opts.which
    ? browserOpener(envInfo, env, url, opts.which)
    : browserOpener(envInfo, env, url);
  if (!opener) {
    return { launched: false, reason: 'no-opener', detail: noOpenerHint(envInfo) };
  }
  return launch(opener.command, opener.args, env);
}

function launch(command: string, args: string[], env: Env): Promise<OpenResult> {
  // Taken when a browser is opened, not imported: the ES module view of node:child_process costs
  // ~4 ms of start-up on Node 20 to every program that imports env-detect only to detect.
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', env, windowsHide: true });
    } catch (error) {
      // spawn throws synchronously for arguments it refuses (a NUL byte, say).
      resolve(spawnFailed(command, error));
      return;
    }
    child.once('spawn', () => {
      child.unref();
      resolve({ launched: true, command });
    });
    child.once('error', (error) => resolve(spawnFailed(command, error)));
    // A later 'error' (after 'spawn') must not crash the host: nothing is waiting for it anymore.
    child.on('error', () => {});
  });
}

function spawnFailed(command: string, error: unknown): OpenResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail =
    code === 'ENOENT'
      ? `${command} was not found`
      : `${command} could not start: ${code ?? (error as Error)?.message ?? String(error)}`;
  return { launched: false, reason: 'spawn-failed', detail };
}

function noOpenerHint(envInfo: Pick<EnvironmentInfo, 'os' | 'wsl'>): string {
  if (envInfo.wsl) {
    return 'No browser opener found: install wslu (wslview) or put powershell.exe on PATH, or set BROWSER';
  }
  return 'No browser opener found: install xdg-utils (xdg-open) or set BROWSER';
}
