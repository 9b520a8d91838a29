import type { SessionOptions } from '@codex-oauth/core';
import type { Context } from './context.js';

/**
 * The session options every command passes to `@codex-oauth/core`, from the common flags. The
 * store is named by `storage` and core picks it (store-file or store-memory, both dependencies of
 * the CLI), exactly as for any other program using core.
 *
 * `cancellable: false` leaves out the Ctrl-C signal, for calls that never wait (`status`): the
 * signal's AbortController costs ~0.3 ms to load, in the start-up of the command run most often.
 */
export function sessionOptions(
  ctx: Context,
  { cancellable = true }: { cancellable?: boolean } = {},
): SessionOptions {
  const { flags } = ctx;
  return {
    ...(flags.storage !== undefined && { storage: flags.storage }),
    ...(flags.codexHome !== undefined && { codexHome: flags.codexHome }),
    ...(flags.issuer !== undefined && { issuer: flags.issuer }),
    ...(cancellable && { signal: ctx.signal }),
  };
}

/** The issuer a command talks to: `--issuer`, else `CODEX_OAUTH_ISSUER`, else OpenAI's. */
export function issuerOf(ctx: Context): string {
  return ctx.flags.issuer ?? (ctx.env.CODEX_OAUTH_ISSUER || 'https://auth.openai.com');
}
