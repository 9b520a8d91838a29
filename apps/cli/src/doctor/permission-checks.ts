import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Check, check } from './check.js';

/** Mode bits of `path` (`0o777`), or `null` when it does not exist or cannot be read. */
async function modeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (st) => st.mode & 0o777,
    () => null,
  );
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/**
 * The modes the store promises (auth.json 0600 in a 0700 `CODEX_HOME`, the same for codex-oauth's
 * saved accounts beside it), checked on disk. A folder others can enter lists who is signed in
 * and lets them watch the files change; a file others can read hands them the refresh token.
 * Both are warnings with the `chmod` that fixes them: the tokens are not exposed by the folder
 * mode alone, and Codex itself creates `~/.codex` with the default mode (store-file README).
 * Windows has no such modes: nothing is checked there.
 */
export async function permissionChecks(
  codexHome: string,
  authPath: string | null,
): Promise<Check[]> {
  if (process.platform === 'win32') return [];
  const checks: Check[] = [];
  const homeMode = await modeOf(codexHome);
  if (homeMode !== null) {
    checks.push(
      (homeMode & 0o077) === 0
        ? check(
            'codex-home-mode',
            'CODEX_HOME permissions',
            'ok',
            `mode ${octal(homeMode)} (${codexHome})`,
          )
        : check(
            'codex-home-mode',
            'CODEX_HOME permissions',
            'warn',
            `mode ${octal(homeMode)}: other users can list ${codexHome} (codex-oauth keeps it 0700)`,
            [],
            `chmod 700 ${shellQuote(codexHome)}`,
          ),
    );
  }
  const files = [...(authPath !== null ? [authPath] : []), ...(await accountFiles(codexHome))];
  const loose: string[] = [];
  for (const file of files) {
    const mode = await modeOf(file);
    if (mode !== null && (mode & 0o077) !== 0) loose.push(`${file}: mode ${octal(mode)}`);
  }
  if (loose.length > 0) {
    checks.push(
      check(
        'auth-mode',
        'auth.json permissions',
        'warn',
        `${loose.length === 1 ? 'a token file is' : `${loose.length} token files are`} readable by other users`,
        loose,
        `chmod 600 ${loose.map((line) => shellQuote(line.slice(0, line.lastIndexOf(': mode')))).join(' ')}`,
      ),
    );
  }
  return checks;
}

/** codex-oauth's saved accounts (`codex-oauth/accounts/<key>/auth.json`), when there are any. */
async function accountFiles(codexHome: string): Promise<string[]> {
  const root = join(codexHome, 'codex-oauth', 'accounts');
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name, 'auth.json'));
}

/** `path` as one shell word, so the fix can be pasted as it is. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
