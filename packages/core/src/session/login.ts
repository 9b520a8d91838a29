import { activeAccountToLogOut, forgetReplacedAccount } from '../accounts/accounts-api.js';
import type { AuthRecord } from '../model/auth-record.js';
import { isRefreshDue } from '../model/claims.js';
import { CodexOAuthError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { resolveContext, type SessionContext } from './context.js';
import { allowedWorkspaces, assertChatgptLoginAllowed, assertWorkspace } from './flow-choice.js';
import { openInBrowser } from './open-in-browser.js';
import { explicitRefreshWindowMs, type LoginOptions, throwIfAborted } from './options.js';
import { awaitLogin, beginWithContext } from './pending-login.js';
import { refreshInContext } from './refresh-coordinator.js';
import { refusalOf } from './refusal-memory.js';
import { type LoginResult, loginResult, recordFacts } from './results.js';

/**
 * Ensures a usable session (SPEC §3). A stored session is returned as `flowUsed: 'stored'`,
 * refreshed first when due (under the refresh coordinator). Otherwise, or with `forceNew`, a flow
 * runs: the browser is opened (`openBrowser` option, else the OS opener; failure is a warning),
 * and on WSL with `flow: 'auto'` the device flow joins after `fallbackGraceMs`. A sign-in that
 * expects a paste (`flow: 'paste'`, or the paste fallback) opens no browser; `onPending` hands
 * the pending login over so the caller can pass what is pasted to `submitRedirect`.
 *
 * A stored session outside the allowed workspace, or an API key when `forced_login_method` is
 * `"chatgpt"`, is not usable: a new sign-in replaces it (with a warning). A refresh the issuer
 * rejects also leads to a new sign-in; where none can start, that rejection is what is thrown.
 *
 * @example
 * ```ts
 * const session = await login({ onEvent: (e) => e.type === 'url_ready' && console.log(e.url) });
 * console.log(session.email, session.planType);
 * ```
 */
export async function login(options: LoginOptions = {}): Promise<LoginResult> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  const warnings: string[] = [];
  let refreshError: unknown;
  // Adding an account always signs in (the stored session is the one being kept).
  if (!options.forceNew && !options.addAccount) {
    const outcome = await useStored(ctx, options, warnings);
    if ('result' in outcome) return outcome.result;
    refreshError = outcome.refreshError;
  }
  let pending: Awaited<ReturnType<typeof beginWithContext>>;
  try {
    pending = await beginWithContext(ctx, options);
  } catch (error) {
    if (
      refreshError !== undefined &&
      isCodexOAuthError(error, ErrorCodes.INTERACTIVE_LOGIN_UNAVAILABLE)
    ) {
      throw refreshError;
    }
    throw error;
  }
  pending.warnings.push(...warnings);
  options.onPending?.(pending);
  // `forceNew` revokes the session it replaces; that account's saved entry goes with it (issue 20).
  const replaced = options.forceNew ? await activeAccountToLogOut(options) : undefined;
  // A sign-in waiting for a paste has its browser elsewhere: opening one here is what it avoids.
  if (pending.flow === 'browser_code' && !pending.paste) await openInBrowser(pending, options);
  const result = await awaitLogin(pending, options.signal ? { signal: options.signal } : {});
  if (replaced !== undefined) await forgetReplacedAccount(options, replaced);
  return result;
}

type StoredOutcome = { result: LoginResult } | { refreshError?: unknown };

async function useStored(
  ctx: SessionContext,
  options: LoginOptions,
  warnings: string[],
): Promise<StoredOutcome> {
  let record: AuthRecord | null = await ctx.store.load();
  // A file with neither tokens nor a key (`{}`, `{"tokens":null}`, `{"auth_mode":"chatgpt"}`) is
  // no session: status says "not signed in" and so must login, which then signs in (the store
  // keeps the file's other keys when it saves).
  if (record === null || (record.tokens === null && record.openaiApiKey === null)) return {};
  const all = () => [...ctx.warnings, ...warnings];
  if (record.authMode === 'apikey' || record.tokens === null) {
    if (ctx.config.forcedLoginMethod === 'chatgpt') {
      warnings.push(
        'config.toml sets forced_login_method = "chatgpt": the stored API key is replaced by a ChatGPT sign-in.',
      );
      return {};
    }
    return { result: loginResult(record, ctx.store, 'stored', all()) };
  }
  assertChatgptLoginAllowed(ctx.config);
  const accountId = recordFacts(record).accountId;
  try {
    assertWorkspace(accountId, allowedWorkspaces(options.allowedWorkspaceId, ctx.config));
  } catch (error) {
    if (!isCodexOAuthError(error, ErrorCodes.WORKSPACE_MISMATCH)) throw error;
    warnings.push(
      `The stored session is in workspace ${accountId ?? '(none)'}, which is not allowed; signing in again.`,
    );
    return {};
  }
  // The issuer already refused this refresh token for good: the session is over, sign in again.
  const refused = await refusalOf(ctx.store, record);
  if (refused !== null) {
    warnings.push(
      `The stored session ended (the issuer refused its refresh${refused.error ? `: ${refused.error}` : ''}); signing in again.`,
    );
    return { refreshError: new CodexOAuthError(ErrorCodes.REFRESH_REJECTED, refused.message) };
  }
  if (isRefreshDue(record, new Date(), explicitRefreshWindowMs(options, ctx.env))) {
    try {
      record = (await refreshInContext(ctx, options)).record;
    } catch (error) {
      if (!isCodexOAuthError(error, ErrorCodes.REFRESH_REJECTED)) throw error;
      warnings.push(
        `The stored session could not be refreshed (${error.error ?? 'rejected'}); signing in again.`,
      );
      return { refreshError: error };
    }
  }
  return { result: loginResult(record, ctx.store, 'stored', all()) };
}
