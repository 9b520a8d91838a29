import { status as readStatus, type Status } from '@codex-oauth/core/status';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { describeAccount, rows, when } from '../ui/format.js';
import type { Output } from '../ui/output.js';

/** The `status --json` document (stable field names; dates as ISO strings or null). */
export interface StatusDocument {
  authenticated: boolean;
  authMode: 'chatgpt' | 'apikey' | null;
  accountId: string | null;
  email: string | null;
  planType: string | null;
  expiresAt: string | null;
  lastRefresh: string | null;
  needsRefresh: boolean;
  storage: string;
  path: string | null;
  warnings: string[];
}

/** {@link Status} as the `--json` document. */
export function statusDocument(s: Status): StatusDocument {
  return {
    authenticated: s.authenticated,
    authMode: s.authMode,
    accountId: s.accountId,
    email: s.email,
    planType: s.planType,
    expiresAt: s.expiresAt?.toISOString() ?? null,
    lastRefresh: s.lastRefresh?.toISOString() ?? null,
    needsRefresh: s.needsRefresh,
    storage: s.storageUsed,
    path: s.path ?? null,
    warnings: s.warnings,
  };
}

/** The human summary of a {@link Status}, on stderr. */
export function printStatus(out: Output, s: Status): void {
  const { c } = out;
  if (!s.authenticated) {
    out.line(`${c.red('✗')} Not signed in. Run ${c.bold('codex-oauth login')} to sign in.`);
  } else {
    out.line(`${c.green('✓')} Signed in as ${c.bold(describeAccount(s))}`);
  }
  const lines: [string, string][] = [];
  if (s.authenticated) {
    lines.push(['Auth mode', s.authMode ?? 'unknown']);
    if (s.expiresAt) {
      const expired = s.expiresAt.getTime() <= Date.now();
      const text = `${expired ? 'expired' : 'expires'} ${when(s.expiresAt)}`;
      lines.push([
        'Access token',
        s.needsRefresh ? c.yellow(`${text}; refreshed on next use`) : text,
      ]);
    }
    if (s.lastRefresh) lines.push(['Last refresh', when(s.lastRefresh)]);
  }
  lines.push(['Storage', s.path ? `${s.storageUsed} ${c.dim(s.path)}` : s.storageUsed]);
  out.line(rows(lines));
  for (const warning of s.warnings) out.warn(warning);
}

/** `codex-oauth status`: exit 0 signed in, 1 not signed in; errors (exit 2) are thrown. */
export const status: CommandRun = async (ctx) => {
  const s = await readStatus(sessionOptions(ctx, { cancellable: false }));
  if (ctx.flags.json) ctx.out.document(statusDocument(s));
  else printStatus(ctx.out, s);
  return s.authenticated ? Exit.OK : Exit.NOT_SIGNED_IN;
};
