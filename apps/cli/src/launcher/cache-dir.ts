import { isAbsolute, join } from 'node:path';

/**
 * Where the CLI keeps the V8 code cache of its bundles, or `null` when it should keep none.
 *
 * - `NODE_DISABLE_COMPILE_CACHE` (any value) turns it off, as it does for Node 22's own cache;
 * - `NODE_COMPILE_CACHE` names the directory, as it does for Node 22;
 * - else the user's cache directory: `$XDG_CACHE_HOME` (absolute only, as the XDG spec says) or
 *   `~/.cache` on Linux and the BSDs, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows.
 *
 * Never a shared directory like `/tmp`: a code cache is bytecode that V8 runs without checking
 * it against the source, so it must live where only this user can write.
 *
 * The directory is per Node version and architecture, so switching Node versions does not make
 * the two rewrite each other's files.
 */
export function compileCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  homedir: () => string = defaultHomedir,
): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined) return null;
  const base = env.NODE_COMPILE_CACHE || join(userCacheDir(env, platform, homedir), 'codex-oauth');
  return join(base, `v8-${process.version}-${process.arch}`);
}

function userCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  homedir: () => string,
): string {
  if (platform === 'win32' && env.LOCALAPPDATA) return env.LOCALAPPDATA;
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  const xdg = env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.cache');
}

// node:os is loaded only when HOME is unset: most runs never need it.
function defaultHomedir(): string {
  return (require('node:os') as typeof import('node:os')).homedir();
}
