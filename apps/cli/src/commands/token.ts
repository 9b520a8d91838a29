import { setFlagsFromString } from 'node:v8';
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
  // A refresh sends one request, whose answer undici parses with llhttp, a WebAssembly module.
  // V8 (Node 20) compiles it twice: with Liftoff, at once, then with TurboFan in the background,
  // which costs ~35 MiB and holds the process 50-140 ms after the token is printed, for code a
  // single short answer never needs. This process makes one request, so Liftoff alone will do;
  // set before undici loads (on the first request). Process-wide, which a CLI may do and a
  // library must not; Node 24 tiers up lazily already, and there the flag changes nothing.
  setFlagsFromString('--liftoff-only');
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
