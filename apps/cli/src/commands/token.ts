import { getAccessToken } from '@codex-oauth/core';
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
  const { accessToken } = await getAccessToken({ ...sessionOptions(ctx), ...accountOptions(ctx) });
  ctx.out.stdout(accessToken);
  return Exit.OK;
};
