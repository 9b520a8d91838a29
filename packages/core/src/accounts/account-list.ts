import { isRefreshDue, readClaims } from '../model/claims.js';
import { recordFacts } from '../session/results.js';
import type { AccountEntry, AccountInfo, AccountList } from './account-types.js';

/**
 * Turns a backend's entries into the numbered, secret-free {@link AccountList}: sorted by email,
 * then workspace, then key (so numbers stay put while the set of accounts does not change).
 */
export function toAccountList(
  { entries, warnings: found }: { entries: readonly AccountEntry[]; warnings: readonly string[] },
  now = new Date(),
): AccountList {
  const infos = entries.map((entry) => describeEntry(entry, now));
  infos.sort(
    (a, b) =>
      compare(a.email?.toLowerCase(), b.email?.toLowerCase()) ||
      compare(a.accountId, b.accountId) ||
      compare(a.key, b.key),
  );
  const accounts = infos.map((info, index) => ({ ...info, number: index + 1 }));
  const warnings = [
    ...found,
    ...accounts
      .filter((a) => a.problem !== null)
      .map((a) => `Account ${a.number} cannot be read: ${a.problem}`),
  ];
  return { accounts, active: accounts.find((a) => a.active) ?? null, warnings };
}

function describeEntry(entry: AccountEntry, now: Date): AccountInfo {
  const { record } = entry;
  const facts = record?.tokens ? recordFacts(record) : null;
  let userId: string | null = null;
  if (record?.tokens) {
    try {
      // recordFacts has no user id; the claims do (the key is built from it).
      userId = readClaims(record.tokens).userId;
    } catch {
      userId = null;
    }
  }
  const last = record?.lastRefresh ? new Date(record.lastRefresh) : null;
  const problem =
    entry.problem ??
    (record !== null && record.tokens === null
      ? `${entry.location} holds no ChatGPT tokens (an API key is not an account)`
      : null);
  return {
    number: 0,
    key: entry.key,
    active: entry.active,
    email: facts?.email ?? null,
    accountId: facts?.accountId ?? null,
    planType: facts?.planType ?? null,
    userId,
    expiresAt: facts?.expiresAt ?? null,
    lastRefresh: last && !Number.isNaN(last.getTime()) ? last : null,
    health:
      problem !== null ? 'damaged' : record && isRefreshDue(record, now) ? 'refresh_due' : 'ok',
    problem,
    saved: entry.saved,
    location: entry.location,
  };
}

function compare(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  return a < b ? -1 : 1;
}
