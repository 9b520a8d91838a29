import type { AccountsBackend } from '@codex-oauth/core';
import { fileAccounts } from '@codex-oauth/store-file';
import type { Context } from './context.js';
import { UsageError } from './usage-error.js';

/**
 * The session options for several accounts, from `--account` and `--add`: the accounts backend
 * (built here, like the store in `session.ts`, so the bundle uses its own copy of store-file) and
 * the selector. Accounts live beside `auth.json`, so `--storage memory` cannot have them.
 */
export function accountOptions(ctx: Context): { accounts?: AccountsBackend; account?: string } {
  const { flags } = ctx;
  if (flags.storage === 'memory') {
    if (flags.account !== undefined || flags.add) {
      throw new UsageError(
        '--account and --add need file storage (accounts live beside auth.json).',
      );
    }
    return {};
  }
  return {
    accounts: fileAccounts({
      ...(flags.codexHome !== undefined && { codexHome: flags.codexHome }),
      env: ctx.env,
    }),
    ...(flags.account !== undefined && { account: flags.account }),
  };
}
