import { CLOCK_SKEW_PREFIX, getAccessToken, status as readStatus } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';

/**
 * `codex-oauth token [--account <…>]`: a fresh access token (refreshed first if due) and nothing
 * else on stdout; with `--account`, of that saved account, refreshing only its entry and switching
 * nothing. The only command that prints a secret, because that is its job.
 */
export const token: CommandRun = async (ctx) => {
  // On Node 20 the launcher (bin.ts) sets --liftoff-only when undici first connects, so the
  // TurboFan compile of undici's WebAssembly parser neither holds the exit nor costs ~35 MiB here.
  const { accessToken } = await getAccessToken({
    ...(await sessionOptions(ctx)),
    ...accountOptions(ctx),
  });
  ctx.out.stdout(accessToken);
  // A token that looks expired on arrival is the clock's fault, not the issuer's: say so on
  // stderr (stdout stays the token alone). `status` reads the store only, no request.
  const after = await readStatus({
    ...(await sessionOptions(ctx, { cancellable: false })),
    ...accountOptions(ctx),
  }).catch(() => null);
  for (const warning of after?.warnings ?? []) {
    if (warning.startsWith(CLOCK_SKEW_PREFIX)) ctx.out.warn(warning);
  }
  return Exit.OK;
};
