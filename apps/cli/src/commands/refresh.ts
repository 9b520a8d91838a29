import { refresh as refreshSession } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { when } from '../ui/format.js';
import { statusDocument } from './status.js';

/** `codex-oauth refresh [--force]`: refresh if due (or always with --force), then report. */
export const refresh: CommandRun = async (ctx) => {
  const { out, flags } = ctx;
  let refreshed = false;
  const spinner = flags.json ? undefined : out.spinner('Refreshing…');
  let s: Awaited<ReturnType<typeof refreshSession>>;
  try {
    s = await refreshSession({
      ...(await sessionOptions(ctx)),
      ...(ctx.flags.account !== undefined && accountOptions(ctx)),
      force: flags.force,
      onEvent: (event) => {
        if (event.type === 'refreshed') refreshed = true;
      },
    });
  } finally {
    spinner?.stop();
  }
  if (flags.json) {
    out.document({ refreshed, ...statusDocument(s) });
    return Exit.OK;
  }
  const until = s.expiresAt ? ` It expires ${when(s.expiresAt)}.` : '';
  if (refreshed) out.success(`Refreshed the access token.${until}`);
  else out.success(`The access token is still fresh; nothing to do.${until}`);
  if (!refreshed) out.line(out.c.dim('  Use --force to refresh anyway.'));
  for (const warning of s.warnings) out.warn(warning);
  return Exit.OK;
};
