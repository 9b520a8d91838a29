import { type AuthRecord, recordFromTokens, type TokenSet } from '../model/auth-record.js';
import { ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import { revokeToken } from '../protocol/revoke.js';
import type { SessionContext } from './context.js';
import { assertWorkspace } from './flow-choice.js';
import type { FlowUsed } from './options.js';
import { type LoginResult, loginResult, recordFacts } from './results.js';
import { storeWarnings } from './store-context.js';

/** Bound for best-effort revocations during sign-in and logout. */
export const REVOKE_TIMEOUT_MS = 5_000;

/** What {@link finishLogin} needs. */
export interface FinishLoginOptions {
  ctx: SessionContext;
  tokens: TokenSet;
  flowUsed: FlowUsed;
  allowed: string[] | null;
  forceNew: boolean;
  warnings: string[];
  onEvent?: OnEvent | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The end of every sign-in: build the record, check the workspace **before** saving (a mismatch
 * is `CODEX_OAUTH_WORKSPACE_MISMATCH`, nothing is stored and the new grant is revoked), save,
 * emit `persisted`, and for `forceNew` revoke the tokens that were replaced — after the new
 * sign-in succeeded, so a failed sign-in never leaves the user signed out.
 */
export async function finishLogin(options: FinishLoginOptions): Promise<LoginResult> {
  const { ctx, tokens, warnings } = options;
  const record = recordFromTokens(tokens);
  await checkWorkspace(ctx, tokens, options.allowed, options.onEvent, options.signal);
  const replaced = options.forceNew ? await loadReplaced(ctx, warnings) : null;
  await ctx.store.save(record);
  const kind = ctx.store.kind;
  emit(options.onEvent, {
    type: 'persisted',
    storage: kind === 'file' || kind === 'memory' ? kind : 'custom',
  });
  const old = replaced?.tokens?.refreshToken;
  if (old && old !== tokens.refreshToken) {
    const outcome = await revokeQuietly(ctx, old, options.signal);
    if (outcome !== null) warnings.push(`The replaced session could not be revoked (${outcome}).`);
  }
  // Drop the store warnings this save made untrue (the old file's loose mode).
  const now = storeWarnings(ctx.store);
  const current = warnings.filter((w) => !ctx.warnings.includes(w) || now.includes(w));
  return loginResult(record, ctx.store, options.flowUsed, current);
}

/**
 * Throws `CODEX_OAUTH_WORKSPACE_MISMATCH` when the tokens belong to a workspace outside
 * `allowed`, after revoking the grant they came from (nothing of it may stay usable). The browser
 * flow runs this inside the callback request too, so the tab shows the refusal.
 */
export async function checkWorkspace(
  ctx: SessionContext,
  tokens: TokenSet,
  allowed: string[] | null,
  onEvent?: OnEvent,
  signal?: AbortSignal,
): Promise<void> {
  try {
    assertWorkspace(recordFacts(recordFromTokens(tokens)).accountId, allowed);
  } catch (error) {
    await revokeQuietly(ctx, tokens.refreshToken, signal);
    emit(onEvent, {
      type: 'failed',
      code: ErrorCodes.WORKSPACE_MISMATCH,
      message: (error as Error).message,
    });
    throw error;
  }
}

/**
 * The record a forced sign-in replaces. A file we cannot parse, or a Codex login we do not manage
 * (a personal access token, an agent identity), is quarantined first when the store declares
 * `quarantine` (SPEC §6: `login --force` keeps the evidence), since the save would otherwise
 * refuse to overwrite it; a store without it keeps the error.
 */
async function loadReplaced(ctx: SessionContext, warnings: string[]): Promise<AuthRecord | null> {
  try {
    return await ctx.store.load();
  } catch (error) {
    const unmanaged = isCodexOAuthError(error, ErrorCodes.UNMANAGED_LOGIN);
    if (!(unmanaged || isCodexOAuthError(error, ErrorCodes.STORE_CORRUPT)) || !ctx.store.quarantine)
      throw error;
    const moved = await ctx.store.quarantine();
    const what = unmanaged
      ? 'The Codex login codex-oauth does not manage'
      : 'The unreadable credentials file';
    if (moved) warnings.push(`${what} was moved to ${moved}.`);
    return null;
  }
}

/**
 * Revokes a refresh token, bounded and best effort. Returns `null` when revoked, else a short
 * reason (never the token) for a warning.
 */
export async function revokeQuietly(
  ctx: SessionContext,
  token: string,
  signal?: AbortSignal,
  timeoutMs = REVOKE_TIMEOUT_MS,
): Promise<string | null> {
  try {
    const result = await revokeToken({
      fetch: ctx.fetch,
      provider: ctx.provider,
      token,
      signal,
      timeoutMs,
    });
    return result.revoked
      ? null
      : `the issuer answered ${result.status}${result.error ? ` ${result.error}` : ''}`;
  } catch (error) {
    return isCodexOAuthError(error) ? error.code : 'network error';
  }
}
