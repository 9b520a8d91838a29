import { chooseStorage, type SessionOptions, type TokenStore } from '@codex-oauth/core/status';
import * as storeFile from '@codex-oauth/store-file';
import type { Context } from './context.js';
import { UsageError } from './usage-error.js';

// Why each store of this process was chosen, for `status` and `doctor` (not part of the store).
const reasons = new WeakMap<TokenStore, string>();

/**
 * The session options every command passes to `@codex-oauth/core`, from the common flags.
 *
 * The CLI builds the store itself and hands it over as `store`, so that `status` and `doctor` can
 * say why it was chosen and `--redis-url`/`--redis-key` reach store-redis. It is the one `storage`
 * would pick, by the same `chooseStorage` (`auto` follows Codex's `cli_auth_credentials_store`);
 * store-memory, store-keyring and store-redis are loaded only when asked for.
 *
 * `cancellable: false` leaves out the Ctrl-C signal, for calls that never wait (`status`): the
 * signal's AbortController costs ~0.3 ms to load, in the start-up of the command run most often.
 */
export async function sessionOptions(
  ctx: Context,
  { cancellable = true }: { cancellable?: boolean } = {},
): Promise<SessionOptions & { store: TokenStore }> {
  const { flags } = ctx;
  let store: TokenStore;
  if (flags.storage === 'memory') {
    const { memoryStore } = await import('@codex-oauth/store-memory');
    store = memoryStore();
    reasons.set(store, 'storage "memory" was asked for: nothing is stored on disk');
  } else if (flags.storage === 'redis') {
    store = await openRedisStore(ctx);
    reasons.set(store, 'storage "redis" was asked for');
  } else {
    const choice = await chooseStorage({
      storage: flags.storage ?? 'auto',
      ...(flags.codexHome !== undefined && { codexHome: flags.codexHome }),
      env: ctx.env,
      file: storeFile,
      keyring: () => import('@codex-oauth/store-keyring'),
    });
    store = choice.store;
    reasons.set(store, choice.reason);
  }
  return {
    store,
    ...(flags.codexHome !== undefined && { codexHome: flags.codexHome }),
    ...(flags.issuer !== undefined && { issuer: flags.issuer }),
    ...(flags.refreshWindowSec !== undefined && { refreshWindowMs: flags.refreshWindowSec * 1000 }),
    ...(cancellable && { signal: ctx.signal }),
  };
}

/**
 * `--storage redis`: `--redis-url` / `--redis-key`, else `CODEX_OAUTH_REDIS_URL` /
 * `CODEX_OAUTH_REDIS_KEY` (default key `codex-oauth:default`). Its connections are closed when the
 * command ends, or the open sockets would keep the process running.
 */
async function openRedisStore(ctx: Context): Promise<TokenStore> {
  const url = ctx.flags.redisUrl ?? ctx.env.CODEX_OAUTH_REDIS_URL;
  if (!url) {
    throw new UsageError(
      '--storage redis needs --redis-url URL (or CODEX_OAUTH_REDIS_URL in the environment).',
    );
  }
  const key = ctx.flags.redisKey ?? (ctx.env.CODEX_OAUTH_REDIS_KEY || 'codex-oauth:default');
  // Imported here, not at the top: only --storage redis loads store-redis (and node-redis).
  const { redisStore } = await import('@codex-oauth/store-redis');
  const store = redisStore({ url, key });
  ctx.atExit?.(() => store.dispose());
  return store;
}

/** Why `store` (from {@link sessionOptions}) was chosen, in words. */
export function storageReason(store: TokenStore): string | undefined {
  return reasons.get(store);
}

/** The issuer a command talks to: `--issuer`, else `CODEX_OAUTH_ISSUER`, else OpenAI's. */
export function issuerOf(ctx: Context): string {
  return ctx.flags.issuer ?? (ctx.env.CODEX_OAUTH_ISSUER || 'https://auth.openai.com');
}
