import { resolveContext } from './context.js';
import { REVOKE_TIMEOUT_MS, revokeQuietly } from './finish-login.js';
import { type LogoutOptions, throwIfAborted } from './options.js';
import { forgetResolvedStore } from './resolve-store.js';

/**
 * Signs out (SPEC §3): revokes the stored refresh token (best effort, bounded by
 * `revokeTimeoutMs`, default 5 s; `revoke: false` skips it), clears the store, then disposes it
 * when the store declares `dispose` (store-memory drops its record and listeners), so the next
 * call resolves a fresh built-in store. Nothing stored is not an error. Unreadable credentials
 * are left to the store's `clear` (store-file moves such a file aside rather than deleting it),
 * and nothing is revoked since nothing could be read.
 *
 * @example
 * ```ts
 * await logout();
 * ```
 */
export async function logout(options: LogoutOptions = {}): Promise<void> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  let token: string | null = null;
  try {
    token = (await ctx.store.load())?.tokens?.refreshToken ?? null;
  } catch {
    // Unreadable credentials: nothing to revoke; clear() still deals with them.
  }
  if (token !== null && options.revoke !== false) {
    await revokeQuietly(ctx, token, options.signal, options.revokeTimeoutMs ?? REVOKE_TIMEOUT_MS);
  }
  await ctx.store.clear();
  if (ctx.store.dispose) {
    await ctx.store.dispose();
    await forgetResolvedStore(ctx.store);
  }
}
