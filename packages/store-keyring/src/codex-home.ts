import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';

/**
 * `CODEX_HOME` as Codex finds it: the explicit directory, else `CODEX_HOME` (which must be an
 * existing directory, used canonical), else `~/.codex`. The session passes the home store-file
 * resolved; this is for a `keyringStore()` built on its own. (A store package never imports
 * another one, so these few lines are not shared with store-file.)
 */
export function resolveKeyringHome(
  codexHome: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (codexHome) return resolve(codexHome);
  const fromEnv = env.CODEX_HOME;
  if (fromEnv) {
    try {
      if (statSync(fromEnv).isDirectory()) return realpathSync(fromEnv);
    } catch {
      // Reported below.
    }
    throw new CodexOAuthError(
      ErrorCodes.CODEX_HOME_INVALID,
      `CODEX_HOME points to "${fromEnv}", which is not an existing directory. Create it ` +
        `(mkdir -m 700 "${fromEnv}") or unset CODEX_HOME to use ~/.codex.`,
    );
  }
  return join((process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir(), '.codex');
}
