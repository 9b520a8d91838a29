import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Env, Probes } from './types.js';

/**
 * Probes that read the real process: `process.platform`, `process.env`, the TTY state of stdin,
 * stdout and stderr, and the real file system. Nothing is read until you call it, so importing
 * this package has no side effects.
 *
 * A terminal on any of the three streams counts: stdout alone is left out by `--json | jq`, stdin
 * alone by a git hook, yet in both a person is watching. CI and cron have none of them.
 *
 * @example
 * ```ts
 * const info = detectEnvironment({ ...systemProbes(), interactive: true });
 * ```
 */
export function systemProbes(): Probes {
  return {
    platform: process.platform,
    env: process.env,
    isTTY: Boolean(process.stdin?.isTTY || process.stdout?.isTTY || process.stderr?.isTTY),
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (path) => existsSync(path),
  };
}

/**
 * Finds a command the way a shell would: a name with a path separator is checked as is, a bare
 * name is looked up in each `PATH` directory (with each `PATHEXT` extension on Windows). Returns
 * the full path of the first executable file, or `null`.
 *
 * @param env - where `PATH` (and `PATHEXT`) come from; defaults to `process.env`.
 * @example
 * ```ts
 * whichOnPath('xdg-open'); // '/usr/bin/xdg-open' or null
 * ```
 */
export function whichOnPath(command: string, env: Env = process.env): string | null {
  if (command === '') return null;
  const windows = process.platform === 'win32';
  const extensions = windows
    ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  if (isAbsolute(command) || command.includes('/') || (windows && command.includes('\\'))) {
    return extensions.map((ext) => command + ext).find(isExecutableFile) ?? null;
  }
  // Windows spells it `Path`; environment records copied from process.env keep that spelling.
  const pathValue = env.PATH ?? env.Path ?? '';
  for (const dir of pathValue.split(delimiter)) {
    if (dir === '') continue;
    for (const ext of extensions) {
      const candidate = join(dir, command + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
