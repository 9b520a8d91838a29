import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { AccountInfo, AccountSelector } from './account-types.js';

/**
 * Picks the one account `selector` names (see {@link AccountSelector}): a whole number within the
 * list is a position; otherwise an email (case-insensitive), a `chatgpt_account_id`, or a key.
 * No match is `CODEX_OAUTH_ACCOUNT_NOT_FOUND` and several are `CODEX_OAUTH_ACCOUNT_AMBIGUOUS`;
 * both messages list the accounts (numbers, emails, workspaces: nothing secret).
 */
export function selectAccount(
  accounts: readonly AccountInfo[],
  selector: AccountSelector,
): AccountInfo {
  const text = String(selector).trim();
  if (text === '') {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `Name an account by number, email or account id.${listing(accounts)}`,
    );
  }
  if (/^\d+$/.test(text)) {
    const byNumber = accounts.find((a) => a.number === Number(text));
    if (byNumber) return byNumber;
  }
  const lower = text.toLowerCase();
  const matches = accounts.filter(
    (a) => a.email?.toLowerCase() === lower || a.accountId === text || a.key === text,
  );
  if (matches.length === 1) return matches[0] as AccountInfo;
  if (matches.length > 1) {
    throw new CodexOAuthError(
      ErrorCodes.ACCOUNT_AMBIGUOUS,
      `"${text}" matches ${matches.length} accounts; pick one by number.${listing(matches)}`,
    );
  }
  throw new CodexOAuthError(
    ErrorCodes.ACCOUNT_NOT_FOUND,
    accounts.length === 0
      ? `There is no account "${text}": none is saved. Sign one in with codex-oauth login --add.`
      : `There is no account "${text}". Pick one of these by number, email or account id:${listing(accounts)}`,
  );
}

/** The accounts as lines for a message: ` 1. a@x (plus, workspace acct-1) [active]`. */
function listing(accounts: readonly AccountInfo[]): string {
  if (accounts.length === 0) return '';
  return accounts
    .map(
      (a) =>
        `\n  ${a.number}. ${a.email ?? `(unreadable: ${a.key})`}` +
        `${a.planType || a.accountId ? ` (${[a.planType, a.accountId && `workspace ${a.accountId}`].filter(Boolean).join(', ')})` : ''}` +
        `${a.active ? ' [active]' : ''}`,
    )
    .join('');
}
