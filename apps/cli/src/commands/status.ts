import { NOT_SIGNED_IN_MESSAGE, status as readStatus, type Status } from '@codex-oauth/core/status';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions, storageReason } from '../session.js';
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
  /**
   * The issuer refused to refresh the stored session for good (then `authenticated` is false and
   * the exit status 1): when, its `error` code, and the message; `null` otherwise.
   */
  refreshRefused: { at: string; error: string | null; message: string } | null;
  /** Where the session is kept: `file`, `keyring`, `memory`, `redis` (the library's `storageUsed`). */
  storageUsed: string;
  /** @deprecated Same as `storageUsed`; kept for scripts that read it. */
  storage: string;
  path: string | null;
  /** Why this storage: the flag, or what Codex's config.toml says (and any fallback). */
  storageReason: string | null;
  warnings: string[];
}

/** {@link Status} as the `--json` document. */
export function statusDocument(s: Status, storageReason: string | null = null): StatusDocument {
  return {
    authenticated: s.authenticated,
    authMode: s.authMode,
    accountId: s.accountId,
    email: s.email,
    planType: s.planType,
    expiresAt: s.expiresAt?.toISOString() ?? null,
    lastRefresh: s.lastRefresh?.toISOString() ?? null,
    needsRefresh: s.needsRefresh,
    refreshRefused: s.refreshRefused && {
      at: s.refreshRefused.at.toISOString(),
      error: s.refreshRefused.error,
      message: s.refreshRefused.message,
    },
    storageUsed: s.storageUsed,
    storage: s.storageUsed,
    path: s.path ?? null,
    storageReason,
    warnings: s.warnings,
  };
}

/** Where the store keeps the sign-in and why it was chosen, for the human summary. */
export interface StorageNote {
  location?: string | undefined;
  reason?: string | undefined;
}

/** The human summary of a {@link Status}, on stderr. */
export function printStatus(out: Output, s: Status, storage: StorageNote = {}): void {
  const { c } = out;
  const refused = s.refreshRefused;
  if (refused !== null) {
    const why = refused.error ? ` (${refused.error})` : '';
    out.line(
      `${c.red('✗')} Session ended: the issuer refused to refresh it${why} ${when(refused.at)}. ` +
        `Run ${c.bold('codex-oauth login --force')} to sign in again.`,
    );
  } else if (!s.authenticated) {
    out.line(`${c.red('✗')} ${NOT_SIGNED_IN_MESSAGE}`);
  } else {
    out.line(`${c.green('✓')} Signed in as ${c.bold(describeAccount(s))}`);
  }
  const lines: [string, string][] = [];
  if (refused !== null) lines.push(['Account', describeAccount(s)]);
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
  const where = s.path ?? storage.location;
  lines.push(['Storage', where ? `${s.storageUsed} ${c.dim(where)}` : s.storageUsed]);
  if (storage.reason) lines.push(['Chosen by', c.dim(storage.reason)]);
  out.line(rows(lines));
  for (const warning of s.warnings) out.warn(warning);
}

/**
 * `codex-oauth status`: exit 0 signed in, 1 not signed in or the session ended (a refresh refused
 * for good); errors (exit 2) are thrown.
 */
export const status: CommandRun = async (ctx) => {
  const options = {
    ...(await sessionOptions(ctx, { cancellable: false })),
    ...(ctx.flags.account !== undefined && accountOptions(ctx)),
  };
  const s = await readStatus(options);
  const reason = storageReason(options.store);
  if (ctx.flags.json) ctx.out.document(statusDocument(s, reason ?? null));
  else printStatus(ctx.out, s, { location: options.store.describe?.().location, reason });
  return s.authenticated ? Exit.OK : Exit.NOT_SIGNED_IN;
};
