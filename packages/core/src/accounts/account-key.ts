import type { AuthRecord } from '../model/auth-record.js';
import { readClaims } from '../model/claims.js';

/**
 * The stable key of the account a record signs in as: the first 16 hex digits of the SHA-256 of
 * its user id (`chatgpt_user_id`, else the email) and its workspace (`chatgpt_account_id`), so the
 * same person signed in twice to one workspace has one key (one entry), while the same person in
 * two workspaces has two. Hashed so an entry's name on disk carries no email. `null` for a
 * record without ChatGPT tokens or whose tokens name no account.
 *
 * @example
 * ```ts
 * accountKeyOf(await fileStore().load()); // '3f9a0c2e71d4b85a'
 * ```
 */
export function accountKeyOf(record: AuthRecord | null): string | null {
  if (!record?.tokens || record.authMode !== 'chatgpt') return null;
  let claims: ReturnType<typeof readClaims>;
  try {
    claims = readClaims(record.tokens);
  } catch {
    return null;
  }
  const user = claims.userId ?? claims.email;
  const workspace = record.tokens.accountId ?? claims.accountId;
  if (user === null && workspace === null) return null;
  // Loaded on first use, not imported: `node:crypto` is ~40 internal modules, and the model
  // (which every store and `codex-oauth status` import) otherwise never needs it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256')
    .update(`${user ?? ''}\n${workspace ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}
