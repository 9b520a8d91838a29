import { clockSkewWarning } from '../model/clock-skew.js';
import { explicitRefreshWindowMs, type SessionOptions, throwIfAborted } from './options.js';
import { refusalOf } from './refusal-memory.js';
import { type Status, statusOf } from './results.js';
import { resolveStoreContext } from './store-context.js';

/**
 * Reports what is stored, without any network request (SPEC §3): signed in or not, the account's
 * claims, expiry, whether a refresh is due, where the file is, and the store's warnings. An
 * api-key-only `auth.json` is `authenticated: true` with `authMode: 'apikey'`. A file that cannot
 * be parsed throws `CODEX_OAUTH_STORE_CORRUPT` (it is left untouched). When the stored token says
 * the issuer's clock is 5 minutes or more off this machine's, a warning starting `Clock skew:`
 * names the offset. A refresh the issuer refused for good is remembered (see
 * {@link Status.refreshRefused}): then `authenticated` is `false` until a new sign-in.
 *
 * @example
 * ```ts
 * const { authenticated, email, expiresAt } = await status();
 * ```
 */
export async function status(options: SessionOptions = {}): Promise<Status> {
  throwIfAborted(options.signal);
  // Only the store: status makes no request, so it loads neither the provider nor net-ca.
  const ctx = await resolveStoreContext(options);
  const record = await ctx.store.load();
  const skew = clockSkewWarning(record);
  return statusOf(
    record,
    ctx.store,
    skew ? [...ctx.warnings, skew] : ctx.warnings,
    new Date(),
    explicitRefreshWindowMs(options, ctx.env),
    await refusalOf(ctx.store, record),
  );
}
