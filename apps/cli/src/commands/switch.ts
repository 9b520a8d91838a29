import { listAccounts, switchAccount } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { describeAccount } from '../ui/format.js';
import { accountDocument } from './accounts.js';

/**
 * `codex-oauth switch <email | account id | number> [--json]`: make that account the one in
 * `auth.json`, so the Codex CLI uses it. What `auth.json` holds now is saved to its entry first.
 */
export const switchTo: CommandRun = async (ctx) => {
  const options = { ...(await sessionOptions(ctx)), ...accountOptions(ctx) };
  const before = (await listAccounts(options)).active;
  if (before?.health === 'refresh_due' && !ctx.flags.json) {
    // store-file waits a moment for a Codex refresh of it that may be under way (see its README).
    ctx.out.line(
      ctx.out.c.dim('The active account is due for refresh: letting Codex finish first…'),
    );
  }
  const account = await switchAccount(ctx.flags.target as string, options);
  const changed = before?.key !== account.key;
  if (ctx.flags.json) {
    ctx.out.document({ switched: changed, account: accountDocument(account) });
    return Exit.OK;
  }
  const who = ctx.out.c.bold(describeAccount(account));
  if (!changed) ctx.out.success(`Already using ${who}`);
  else {
    ctx.out.success(`Switched to ${who}`);
    if (before)
      ctx.out.line(ctx.out.c.dim(`  ${describeAccount(before)} is kept; switch back any time.`));
    ctx.out.line(
      ctx.out.c.dim('  The Codex CLI now uses this account (restart running sessions).'),
    );
  }
  return Exit.OK;
};
