import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { status as readStatus } from '@codex-oauth/core';
import { AUTH_FILE, lockBackend, readCodexConfig, resolveCodexHome } from '@codex-oauth/store-file';
import type { Context } from '../context.js';
import { sessionOptions } from '../session.js';
import { describeAccount, when } from '../ui/format.js';
import { type Check, check } from './check.js';

/**
 * The stored sign-in: CODEX_HOME, auth.json (parses? which mode? token due? file mode), the lock
 * shared with the Codex CLI, and Codex's config.toml settings that stop Codex from reading it.
 */
export async function authChecks(ctx: Context): Promise<Check[]> {
  const checks: Check[] = [];
  const options = sessionOptions(ctx);
  if (ctx.flags.storage === 'memory') {
    checks.push(
      check('auth', 'Stored sign-in', 'info', 'memory storage: nothing is stored on disk'),
    );
    return checks;
  }
  let store: { codexHome: string; path: string };
  try {
    const codexHome = resolveCodexHome({
      ...(ctx.flags.codexHome !== undefined && { codexHome: ctx.flags.codexHome }),
      env: ctx.env,
    });
    store = { codexHome, path: join(codexHome, AUTH_FILE) };
  } catch (error) {
    return [
      check(
        'codex-home',
        'CODEX_HOME',
        'fail',
        (error as Error).message,
        [],
        'Create the directory or unset CODEX_HOME',
      ),
    ];
  }
  try {
    const s = await readStatus(options);
    if (!s.authenticated) {
      checks.push(
        check(
          'auth',
          'auth.json',
          'info',
          `not signed in (${s.path ?? store.path})`,
          [],
          'codex-oauth login',
        ),
      );
    } else {
      const details = [`mode ${s.authMode}`, `path ${s.path ?? store.path}`];
      if (s.expiresAt) details.push(`access token expires ${when(s.expiresAt)}`);
      if (s.lastRefresh) details.push(`last refresh ${when(s.lastRefresh)}`);
      checks.push(
        check(
          'auth',
          'auth.json',
          s.needsRefresh ? 'info' : 'ok',
          `signed in as ${describeAccount(s)}${s.needsRefresh ? '; refresh due' : ''}`,
          details,
          s.needsRefresh ? 'codex-oauth refresh' : undefined,
        ),
      );
    }
    const mode = await stat(store.path).then(
      (st) => st.mode & 0o777,
      () => null,
    );
    if (mode !== null && (mode & 0o077) !== 0) {
      checks.push(
        check(
          'auth-mode',
          'auth.json permissions',
          'warn',
          `mode ${mode.toString(8)}: readable by others`,
          [],
          `chmod 600 ${store.path}`,
        ),
      );
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    checks.push(
      check(
        'auth',
        'auth.json',
        'fail',
        (error as Error).message,
        typeof code === 'string' ? [code] : [],
        'codex-oauth login --force (moves the damaged file aside and signs in again)',
      ),
    );
  }
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
  const conflict =
    config.credentialsStore === 'keyring' ||
    config.credentialsStore === 'auto' ||
    config.credentialsStore === 'ephemeral';
  if (conflict) {
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
