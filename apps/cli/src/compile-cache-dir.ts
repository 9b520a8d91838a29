import { isAbsolute, join } from 'node:path';

/**
 * Where the CLI keeps Node's compile cache (`module.enableCompileCache`, Node 22.1+), or `null`
 * when it should keep none.
 *
 * - `NODE_DISABLE_COMPILE_CACHE` (any value) turns it off, as it does for Node 22's own cache;
 * - `NODE_COMPILE_CACHE` names the directory, as it does for Node 22;
 * - else the user's cache directory: `$XDG_CACHE_HOME` (absolute only, as the XDG spec says) or
 *   `~/.cache` on Linux and the BSDs, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows.
 *
 * Never a shared directory like `/tmp` (Node's default): a code cache is bytecode that V8 runs,
 * so it must live where only this user can write.
 *
 * Node keeps one sub-directory per Node version inside it, so switching versions is harmless.
 */
export function compileCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: () => string = osHomedir,
): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined) return null;
  return env.NODE_COMPILE_CACHE || join(userCacheDir(env, platform, home), 'codex-oauth');
}

/** os.homedir(), with node:os loaded only when HOME is unset (Node 20 never calls this). */
function osHomedir(): string {
  return process.getBuiltinModule('node:os').homedir();
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
