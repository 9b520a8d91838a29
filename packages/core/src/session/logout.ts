import { activeAccountToLogOut } from '../accounts/accounts-api.js';
import { resolveContext } from './context.js';
import { REVOKE_TIMEOUT_MS, revokeQuietly } from './finish-login.js';
import { type LogoutOptions, throwIfAborted } from './options.js';
import { forgetSharedMemoryStore } from './resolve-store.js';

/**
 * Signs out (SPEC §3): revokes the stored refresh token (best effort, bounded by
 * `revokeTimeoutMs`, default 5 s; `revoke: false` skips it), then clears the store and stops a
 * memory store. Nothing stored is not an error. A file that cannot be parsed is moved aside
 * rather than deleted (store-file's rule), and nothing is revoked since nothing could be read.
 *
 * @example
 * ```ts
 * await logout();
 * ```
 */
export async function logout(options: LogoutOptions = {}): Promise<void> {
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
    // Unreadable credentials: nothing to revoke; clear() still deals with the file.
  }
  if (token !== null && options.revoke !== false) {
    await revokeQuietly(ctx, token, options.signal, options.revokeTimeoutMs ?? REVOKE_TIMEOUT_MS);
  }
  await ctx.store.clear();
  if (typeof ctx.store.stop === 'function') {
    ctx.store.stop();
    await forgetSharedMemoryStore(ctx.store);
  }
}
