import { describe, expect, it } from 'vitest';
import type { AccountInfo } from '../src/accounts/account-types.js';
import { selectAccount } from '../src/accounts/select-account.js';
import type { CodexOAuthError } from '../src/model/errors.js';

const account = (n: number, email: string | null, accountId: string | null): AccountInfo => ({
  number: n,
  key: `${n}`.padStart(16, 'a'),
  active: n === 1,
  email,
  accountId,
  planType: 'plus',
  userId: null,
  expiresAt: null,
  lastRefresh: null,
  health: email === null ? 'damaged' : 'ok',
  problem: email === null ? '/x/auth.json cannot be read' : null,
  saved: true,
  location: `/x/${n}`,
});

const LIST = [
  account(1, 'ann@example.test', 'ws-personal'),
  account(2, 'Ann@Example.test', 'ws-work'),
  account(3, 'bo@example.test', 'ws-work'),
  account(4, null, null),
];

function refusal(selector: string | number): CodexOAuthError {
  try {
    selectAccount(LIST, selector);
  } catch (error) {
    return error as CodexOAuthError;
  }
  throw new Error(`"${selector}" was accepted`);
}

describe('selectAccount', () => {
  it('picks by number, email (any case), account id or key', () => {
    expect(selectAccount(LIST, 3).email).toBe('bo@example.test');
    expect(selectAccount(LIST, ' 4 ').number).toBe(4);
    expect(selectAccount(LIST, 'BO@example.test').number).toBe(3);
    expect(selectAccount(LIST, 'ws-personal').number).toBe(1);
    expect(selectAccount(LIST, LIST[3]!.key).number).toBe(4);
  });

  it('refuses an ambiguous selector with the matching accounts', () => {
    const error = refusal('ann@example.test');
    expect(error.code).toBe('CODEX_OAUTH_ACCOUNT_AMBIGUOUS');
    expect(error.message).toContain('1. ann@example.test (plus, workspace ws-personal) [active]');
    expect(error.message).toContain('2. Ann@Example.test (plus, workspace ws-work)');
    expect(error.message).not.toContain('bo@example.test');
    expect(refusal('ws-work').code).toBe('CODEX_OAUTH_ACCOUNT_AMBIGUOUS');
  });

  it('refuses an unknown selector listing every account, and an empty one', () => {
    const error = refusal('carol@example.test');
    expect(error.code).toBe('CODEX_OAUTH_ACCOUNT_NOT_FOUND');
    for (const a of LIST) expect(error.message).toContain(`${a.number}. `);
    expect(error.message).toContain(`(unreadable: ${LIST[3]!.key})`);
    expect(refusal(9).code).toBe('CODEX_OAUTH_ACCOUNT_NOT_FOUND');
    expect(refusal('  ').code).toBe('CODEX_OAUTH_INVALID_OPTION');
    expect(() => selectAccount([], 1)).toThrow(/none is saved/);
  });
});
