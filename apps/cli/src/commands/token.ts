import { getAccessToken } from '@codex-oauth/core';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';

/**
 * `codex-oauth token`: a fresh access token (refreshed first if due) and nothing else on stdout.
 * The only command that prints a secret, because that is its job.
 */
export const token: CommandRun = async (ctx) => {
  const { accessToken } = await getAccessToken(await sessionOptions(ctx));
  ctx.out.stdout(accessToken);
  return Exit.OK;
};
