import { CLOCK_SKEW_PREFIX } from '@codex-oauth/core/model';
import { status as readStatus, type TokenStore } from '@codex-oauth/core/status';
import { lockBackend, readCodexConfig } from '@codex-oauth/store-file';
import type { Context } from '../context.js';
import { sessionOptions, storageReason } from '../session.js';
import { describeAccount, when } from '../ui/format.js';
import { type Check, check } from './check.js';
import { permissionChecks } from './permission-checks.js';

/**
 * The stored sign-in: CODEX_HOME, auth.json (parses? which mode? token due? file mode), the lock
 * shared with the Codex CLI, and Codex's config.toml settings that stop Codex from reading it.
 */
export async function authChecks(ctx: Context): Promise<Check[]> {
  const checks: Check[] = [];
  let options: Awaited<ReturnType<typeof sessionOptions>>;
  try {
    options = await sessionOptions(ctx);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const home = code === 'CODEX_OAUTH_CODEX_HOME_INVALID';
    return [
      check(
        home ? 'codex-home' : 'storage',
        home ? 'CODEX_HOME' : 'Storage',
        'fail',
        (error as Error).message,
        typeof code === 'string' && !home ? [code] : [],
        home ? 'Create the directory or unset CODEX_HOME' : 'codex-oauth doctor --storage file',
      ),
    ];
  }
  const store = options.store as TokenStore & { codexHome?: string };
  const location = store.path ?? store.describe?.().location;
  checks.push(
    check('storage', 'Storage', 'info', `${store.kind}${location ? ` (${location})` : ''}`, [
      storageReason(store) ?? 'the store given to the session',
    ]),
  );
  if (store.kind === 'memory' || !store.codexHome) {
    checks.push(
      check('auth', 'Stored sign-in', 'info', 'memory storage: nothing is stored on disk'),
    );
    return checks;
  }
  const label = store.kind === 'keyring' ? 'Keyring entry' : 'auth.json';
  try {
    const s = await readStatus(options);
    if (!s.authenticated) {
      checks.push(
        check('auth', label, 'info', `not signed in (${location})`, [], 'codex-oauth login'),
      );
    } else {
      const details = [`mode ${s.authMode}`, `${store.path ? 'path' : 'in'} ${location}`];
      if (s.expiresAt) details.push(`access token expires ${when(s.expiresAt)}`);
      if (s.lastRefresh) details.push(`last refresh ${when(s.lastRefresh)}`);
      checks.push(
        check(
          'auth',
          label,
          s.needsRefresh ? 'info' : 'ok',
          `signed in as ${describeAccount(s)}${s.needsRefresh ? '; refresh due' : ''}`,
          details,
          s.needsRefresh ? 'codex-oauth refresh' : undefined,
        ),
      );
    }
    const skew = s.warnings.find((warning) => warning.startsWith(CLOCK_SKEW_PREFIX));
    if (skew) {
      checks.push(
        check(
          'clock',
          'Clock',
          'warn',
          skew.slice(CLOCK_SKEW_PREFIX.length).trim(),
          [],
          'Set the clock (NTP)',
        ),
      );
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // A Codex login we do not manage (a personal access token, an agent identity) is valid.
    const unmanaged = code === 'CODEX_OAUTH_UNMANAGED_LOGIN';
    const keyring = typeof code === 'string' && code.startsWith('CODEX_OAUTH_KEYRING_');
    checks.push(
      check(
        'auth',
        label,
        unmanaged ? 'info' : 'fail',
        (error as Error).message,
        typeof code === 'string' ? [code] : [],
        unmanaged
          ? 'nothing, if Codex should keep using it; codex-oauth login --force replaces it'
          : keyring
            ? 'Start or unlock the Secret Service, or set cli_auth_credentials_store = "file"'
            : 'codex-oauth login --force (moves the damaged data aside and signs in again)',
      ),
    );
  }
  checks.push(
    ...(await permissionChecks(
      store.codexHome,
      store.kind === 'file' ? (store.path ?? null) : null,
    )),
  );
  const lock = lockBackend();
  checks.push(
    lock.kind === 'flock'
      ? check('lock', 'Lock', 'ok', "flock on auth.lock, shared with the Codex CLI's refreshes")
      : check(
          'lock',
          'Lock',
          'warn',
          `portable lock file: ${lock.reason ?? 'flock unavailable'}`,
          [],
          'see the reason above: a prebuild covers linux-x64; elsewhere build the addon once',
        ),
  );
  const config = readCodexConfig(store.codexHome);
  // keyring/auto are followed (the keyring entry is shared with Codex); a conflict is auth.json
  // in use while Codex reads the keyring (--storage file, or the auto fallback), or ephemeral.
  const conflict =
    config.credentialsStore === 'ephemeral' ||
    (store.kind === 'file' &&
      (config.credentialsStore === 'keyring' || config.credentialsStore === 'auto'));
  if (store.kind === 'keyring') {
    checks.push(
      check(
        'codex-config',
        'Codex config',
        'ok',
        `cli_auth_credentials_store = "${config.credentialsStore}" in ${config.path}: the keyring entry is shared with Codex`,
        config.warnings.filter((w) => !w.includes('cli_auth_credentials_store')),
      ),
    );
  } else if (conflict) {
    checks.push(
      check(
        'codex-config',
        'Codex config',
        config.credentialsStore === 'auto' ? 'warn' : 'fail',
        `cli_auth_credentials_store = "${config.credentialsStore}" in ${config.path}`,
        config.warnings,
        'Set cli_auth_credentials_store = "file" so Codex reads the auth.json codex-oauth writes',
      ),
    );
  } else if (config.forcedLoginMethod === 'api') {
    checks.push(
      check(
        'codex-config',
        'Codex config',
        'fail',
        `forced_login_method = "api" in ${config.path}: ChatGPT sign-in is forbidden`,
        config.warnings,
        'Remove forced_login_method or set it to "chatgpt"',
      ),
    );
  } else {
    const extra = config.forcedWorkspaceIds
      ? [`forced_chatgpt_workspace_id: ${config.forcedWorkspaceIds.join(', ')}`]
      : [];
    checks.push(
      check(
        'codex-config',
        'Codex config',
        config.warnings.length > 0 ? 'warn' : 'ok',
        config.warnings.length > 0
          ? (config.warnings[0] as string)
          : `no conflicts (${config.path})`,
        [...extra, ...config.warnings.slice(1)],
      ),
    );
  }
  return checks;
}
