import { type AccountInfo, type AccountList, listAccounts } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { describeAccount, when } from '../ui/format.js';
import type { Output } from '../ui/output.js';

/** One account in `accounts --json` and `switch --json` (no secret; dates as ISO strings). */
export interface AccountDocument {
  number: number;
  key: string;
  active: boolean;
  email: string | null;
  accountId: string | null;
  planType: string | null;
  userId: string | null;
  expiresAt: string | null;
  lastRefresh: string | null;
  health: AccountInfo['health'];
  problem: string | null;
  saved: boolean;
  path: string;
}

/** The `accounts --json` document. */
export interface AccountsDocument {
  accounts: AccountDocument[];
  /** The number of the active account, or `null`. */
  active: number | null;
  warnings: string[];
}

/** {@link AccountInfo} as JSON. */
export function accountDocument(a: AccountInfo): AccountDocument {
  return {
    number: a.number,
    key: a.key,
    active: a.active,
    email: a.email,
    accountId: a.accountId,
    planType: a.planType,
    userId: a.userId,
    expiresAt: a.expiresAt?.toISOString() ?? null,
    lastRefresh: a.lastRefresh?.toISOString() ?? null,
    health: a.health,
    problem: a.problem,
    saved: a.saved,
    path: a.location,
  };
}

/** `codex-oauth accounts [--json]`: exit 0 with accounts, 1 with none. */
export const accounts: CommandRun = async (ctx) => {
  const list = await listAccounts({
    ...(await sessionOptions(ctx, { cancellable: false })),
    ...accountOptions(ctx),
  });
  if (ctx.flags.json) {
    ctx.out.document({
      accounts: list.accounts.map(accountDocument),
      active: list.active?.number ?? null,
      warnings: list.warnings,
    } satisfies AccountsDocument);
  } else {
    printAccounts(ctx.out, list);
  }
  return list.accounts.length > 0 ? Exit.OK : Exit.NOT_SIGNED_IN;
};

function printAccounts(out: Output, list: AccountList): void {
  const { c } = out;
  if (list.accounts.length === 0) {
    out.line(`No accounts. Run ${c.bold('codex-oauth login')} to sign in.`);
  }
  for (const a of list.accounts) {
    const mark = a.active ? c.green('*') : ' ';
    const who = a.problem !== null ? c.red('damaged entry') : describeAccount(a);
    out.line(
      `${mark} ${String(a.number).padStart(2)}  ${a.active ? c.bold(who) : who}  ${c.dim(health(a))}`,
    );
  }
  if (list.accounts.length > 1) {
    out.line(
      c.dim('  * is what the Codex CLI uses. Change it: codex-oauth switch <number | email>'),
    );
  }
  for (const warning of list.warnings) out.warn(warning);
}

function health(a: AccountInfo): string {
  if (a.health === 'damaged') return 'cannot be read (see below)';
  if (!a.expiresAt) return a.health === 'ok' ? 'token ok' : 'refresh due';
  const expired = a.expiresAt.getTime() <= Date.now();
  const text = `${expired ? 'expired' : 'expires'} ${when(a.expiresAt)}`;
  return a.health === 'refresh_due' ? `${text}; refreshed on next use` : text;
}
