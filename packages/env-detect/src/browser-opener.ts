import { escapeForCmd, quoteForPowerShell, splitCommandLine } from './command-line.js';
import { whichOnPath } from './system-probes.js';
import type { Env, EnvironmentInfo } from './types.js';

/** How to open a URL here: a program and its argv, run without a shell. */
export interface OpenerCommand {
  /** The program to spawn (a name looked up on `PATH`, or a path). */
  command: string;
  /** Its arguments; the URL (or the command line that carries it) is among them. */
  args: string[];
}

/** Finds a command on `PATH`; returns its path or `null`. Tests inject a fake. */
export type Which = (command: string) => string | null;

/**
 * Where WSL keeps the Windows tools when `appendWindowsPath=false` leaves them off `PATH`.
 * `/mnt/c` is the default automount root; a custom root simply falls through to the next choice.
 */
const WSL_POWERSHELL = '/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe';
const WSL_CMD = '/mnt/c/Windows/System32/cmd.exe';

/**
 * Parses a `URL` that must be `http:` or `https:`; anything else returns `null`, so nothing is
 * launched for `file:`, `javascript:` or a string that is not a URL at all.
 */
export function parseWebUrl(url: string): URL | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}

/**
 * Describes how to open `url` in this environment, without running anything. First match wins:
 *
 * 1. `BROWSER` (any OS): a command that may carry arguments, split like a shell would split it
 *    (no expansion). A `%s` in it is replaced by the URL; otherwise the URL is the last argument.
 *    A `:`-separated list (`;` on Windows) picks the first entry found on `PATH`.
 * 2. WSL: `wslview <url>`; else `powershell.exe -NoProfile -Command Start-Process '<url>'`; else
 *    `cmd.exe /c start <url>` with cmd's metacharacters caret-escaped.
 * 3. macOS: `open <url>`.
 * 4. Windows: `cmd.exe /c start <url>`, caret-escaped as above.
 * 5. Linux and others: `xdg-open <url>` when it is on `PATH`.
 *
 * Returns `null` when `url` is not http(s) or nothing here can open it. `BROWSER`, `open` and
 * `xdg-open` receive the URL exactly as given, as one argv element. The two Windows shells read
 * their own command line, so they get the WHATWG serialisation (`new URL(url).href`: spaces,
 * quotes and non-ASCII percent-encoded) and the quoting their parser needs. The cmd.exe line has
 * no quote characters at all (hence no `""` title for `start`): Node and WSL interop both pass
 * such arguments through unchanged, so the carets reach cmd.exe as written.
 *
 * @param which - finds a command on `PATH` (default: scans `env.PATH`).
 * @example
 * ```ts
 * browserOpener({ os: 'linux', wsl: false }, process.env, 'https://example.com/?a=1&b=2');
 * // { command: 'xdg-open', args: ['https://example.com/?a=1&b=2'] }
 * ```
 */
export function browserOpener(
  envInfo: Pick<EnvironmentInfo, 'os' | 'wsl'>,
  env: Env,
  url: string,
  which: Which = (command) => whichOnPath(command, env),
): OpenerCommand | null {
  const parsed = parseWebUrl(url);
  if (!parsed) return null;

  const fromBrowserVar = browserFromEnv(
    env.BROWSER,
    url,
    envInfo.os === 'windows' ? ';' : ':',
    which,
  );
  if (fromBrowserVar) return fromBrowserVar;

  if (envInfo.wsl) {
    if (which('wslview')) return { command: 'wslview', args: [url] };
    const powershell = firstFound(which, 'powershell.exe', WSL_POWERSHELL);
    if (powershell) return powerShellStart(powershell, parsed.href);
    const cmd = firstFound(which, 'cmd.exe', WSL_CMD);
    if (cmd) return cmdStart(cmd, parsed.href);
    return null;
  }
  switch (envInfo.os) {
    case 'macos':
      return { command: 'open', args: [url] };
    case 'windows':
      return cmdStart('cmd.exe', parsed.href);
    default:
      return which('xdg-open') ? { command: 'xdg-open', args: [url] } : null;
  }
}

/** `Start-Process` hands the URL to the Windows shell, which opens the default browser. */
function powerShellStart(command: string, href: string): OpenerCommand {
  return { command, args: ['-NoProfile', '-Command', `Start-Process ${quoteForPowerShell(href)}`] };
}

/** `start` with an unquoted, caret-escaped URL: a quoted first argument would be taken as a title. */
function cmdStart(command: string, href: string): OpenerCommand {
  return { command, args: ['/c', 'start', escapeForCmd(href)] };
}

function firstFound(which: Which, ...candidates: string[]): string | null {
  for (const candidate of candidates) if (which(candidate)) return candidate;
  return null;
}

/**
 * `BROWSER` as Python's webbrowser and xdg-utils read it: a list of commands, each possibly with
 * arguments and a `%s` placeholder. The first entry found on `PATH` wins; when none is found the
 * first is used anyway, so the spawn failure names what the user asked for.
 */
function browserFromEnv(
  value: string | undefined,
  url: string,
  separator: string,
  which: Which,
): OpenerCommand | null {
  if (value === undefined || value.trim() === '') return null;
  const entries = value
    .split(separator)
    .map((entry) => splitCommandLine(entry))
    .filter((words) => words.length > 0);
  const chosen = entries.find((words) => which(words[0] as string)) ?? entries[0];
  if (!chosen) return null;
  const [command, ...rest] = chosen as [string, ...string[]];
  const hasPlaceholder = rest.some((word) => word.includes('%s'));
  const args = hasPlaceholder
    ? rest.map((word) => word.replaceAll('%s', () => url)) // a function: `$&` in a URL stays literal
    : [...rest, url];
  return { command, args };
}
