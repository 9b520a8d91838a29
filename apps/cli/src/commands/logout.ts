import { status as readStatus, logout as signOut } from '@codex-oauth/core';
import { accountOptions } from '../accounts-options.js';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { describeAccount } from '../ui/format.js';

/**
 * `codex-oauth logout [--no-revoke] [--account <…>]`: revoke (best effort) and delete; nothing
 * stored is fine. `--account` removes that saved account (active or not); without it, the
 * active one (and its saved entry).
 */
export const logout: CommandRun = async (ctx) => {
  const { out, flags } = ctx;
  const options = { ...(await sessionOptions(ctx)), ...accountOptions(ctx) };
  // Who is signed in, for the message; a damaged file is still removed (core moves it aside).
  const before = await readStatus(options).catch(() => null);
  const spinner = flags.json || flags.noRevoke ? undefined : out.spinner('Signing out…');
  try {
    await signOut({ ...options, revoke: !flags.noRevoke });
  } finally {
    spinner?.stop();
  }
  // `null`: the file could not be read, so whether someone was signed in is unknown.
  const wasSignedIn = before === null ? null : before.authenticated;
  if (flags.json) {
    out.document({ signedOut: true, wasSignedIn });
    return Exit.OK;
  }
  if (before?.authenticated) out.success(`Signed out ${out.c.bold(describeAccount(before))}`);
  else if (before === null) {
    out.success(
      `Signed out (the unreadable ${flags.account === undefined ? 'auth.json' : 'account entry'} was moved aside).`,
    );
  } else out.success('Not signed in; nothing to do.');
  return Exit.OK;
};
