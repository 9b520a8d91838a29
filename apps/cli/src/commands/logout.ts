import { status as readStatus, logout as signOut } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { describeAccount } from '../ui/format.js';

/**
 * `codex-oauth logout [--no-revoke] [--account <…>]`: revoke (best effort) and delete; nothing
 * stored is fine. A revocation that fails (issuer down) is a warning: the local sign-out stands. `--account` removes that saved account (active or not); without it, the
 * active one (and its saved entry).
 */
export const logout: CommandRun = async (ctx) => {
  const { out, flags } = ctx;
  const options = { ...(await sessionOptions(ctx)), ...accountOptions(ctx) };
  // Who is signed in, for the message; a damaged file is still removed (core moves it aside).
  const before = await readStatus(options).catch(() => null);
  const spinner = flags.json || flags.noRevoke ? undefined : out.spinner('Signing out…');
  let result: Awaited<ReturnType<typeof signOut>>;
  try {
    result = await signOut({ ...options, revoke: !flags.noRevoke });
  } finally {
    spinner?.stop();
  }
  // A session whose refresh was refused is still a stored sign-in that this removes.
  const stored = before !== null && (before.authenticated || before.refreshRefused !== null);
  // `null`: the file could not be read, so whether someone was signed in is unknown.
  const wasSignedIn = before === null ? null : stored;
  if (flags.json) {
    out.document({
      signedOut: true,
      wasSignedIn,
      revoked: result.revoked,
      revokeFailure: result.revokeFailure,
    });
  } else if (before !== null && stored) {
    out.success(`Signed out ${out.c.bold(describeAccount(before))}`);
  } else if (before === null) {
    out.success(
      `Signed out (the unreadable ${flags.account === undefined ? 'auth.json' : 'account entry'} was moved aside).`,
    );
  } else out.success('Not signed in: nothing to sign out.');
  // Signed out here either way; the issuer may still honour the token until it expires.
  if (result.revokeFailure !== null) {
    out.warn(
      `The session could not be revoked at the issuer (${result.revokeFailure}): it was removed ` +
        'here, but its refresh token may stay valid there until it expires.',
    );
  }
  return Exit.OK;
};
