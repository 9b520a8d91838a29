import { activeAccountToLogOut } from '../accounts/accounts-api.js';
import { resolveContext } from './context.js';
import { REVOKE_TIMEOUT_MS, revokeQuietly } from './finish-login.js';
import { type LogoutOptions, throwIfAborted } from './options.js';
import { forgetResolvedStore } from './resolve-store.js';

/** What {@link logout} did. Holds no secret. */
export interface LogoutResult {
  /** The issuer confirmed the refresh token is revoked. */
  readonly revoked: boolean;
  /**
   * Why it is not revoked although a refresh token was stored and `revoke` was not `false`:
   * `the issuer answered 503`, a `CODEX_OAUTH_*` code (`CODEX_OAUTH_NETWORK_ERROR`, ...).
   * The token may stay usable at the issuer until it expires. `null` when revoked, when nothing
   * was stored (or only an API key), and with `revoke: false`.
   */
  readonly revokeFailure: string | null;
  /** Something was removed from the store (`false`: nothing was stored). */
  readonly cleared: boolean;
}

/**
 * Signs out (SPEC §3): revokes the stored refresh token (best effort, bounded by
 * `revokeTimeoutMs`, default 5 s; `revoke: false` skips it), clears the store, then disposes it
 * when the store declares `dispose` (store-memory drops its record and listeners), so the next
 * call resolves a fresh built-in store. Nothing stored is not an error. Unreadable credentials
 * are left to the store's `clear` (store-file moves such a file aside rather than deleting it),
 * and nothing is revoked since nothing could be read. A revocation that fails (issuer down,
 * refused) does not stop the local sign-out: the result says so in `revokeFailure`.
 *
 * @example
 * ```ts
 * const { revoked, revokeFailure } = await logout();
 * if (revokeFailure !== null) console.warn(`Signed out here, not revoked: ${revokeFailure}`);
 * ```
 */
export async function logout(options: LogoutOptions = {}): Promise<LogoutResult> {
  throwIfAborted(options.signal);
  // Plain logout of the active account also removes its saved entry (issue 20).
  const active = await activeAccountToLogOut(options);
  const ctx = await resolveContext(
    active === undefined ? options : { ...options, account: active },
  );
  let token: string | null = null;
  try {
    token = (await ctx.store.load())?.tokens?.refreshToken ?? null;
  } catch {
    // Unreadable credentials: nothing to revoke; clear() still deals with them.
  }
  let revokeFailure: string | null = null;
  let revoked = false;
  if (token !== null && options.revoke !== false) {
    revokeFailure = await revokeQuietly(
      ctx,
      token,
      options.signal,
      options.revokeTimeoutMs ?? REVOKE_TIMEOUT_MS,
    );
    revoked = revokeFailure === null;
  }
  const cleared = await ctx.store.clear();
  if (ctx.store.dispose) {
    await ctx.store.dispose();
    await forgetResolvedStore(ctx.store);
  }
  return { revoked, revokeFailure, cleared };
}
