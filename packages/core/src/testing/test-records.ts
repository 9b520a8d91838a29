import { randomBytes } from 'node:crypto';
import type { AuthRecord } from '../model/auth-record.js';

/** Claims and lifetimes for {@link makeTestRecord}. */
export interface TestRecordOptions {
  /** `chatgpt_account_id` claim and `tokens.account_id` (default: a random one). */
  accountId?: string;
  /** `email` claim (default `store-test@example.test`). */
  email?: string;
  /** `chatgpt_plan_type` claim (default `plus`). */
  planType?: string;
  /** Seconds until the access token's `exp` (default 3600; negative for an expired token). */
  expiresInSeconds?: number;
  /** The refresh token (default: a fresh random `rt_…`). */
  refreshToken?: string;
  /** `last_refresh` (default: now). */
  lastRefresh?: string;
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped token (unsigned) with the given payload, as the OpenAI issuer lays them out. */
export function makeTestJwt(payload: Record<string, unknown>): string {
  const header = encodeSegment({ alg: 'RS256', typ: 'JWT', kid: 'test' });
  return `${header}.${encodeSegment(payload)}.${randomBytes(16).toString('base64url')}`;
}

/**
 * A complete ChatGPT auth record with fake, JWT-shaped tokens: what a store receives after a
 * sign-in. Every call makes distinct tokens, so tests can tell records apart.
 */
export function makeTestRecord(options: TestRecordOptions = {}): AuthRecord {
  const now = Math.floor(Date.now() / 1000);
  const accountId = options.accountId ?? `acct-${randomBytes(6).toString('hex')}`;
  const auth = {
    chatgpt_account_id: accountId,
    chatgpt_plan_type: options.planType ?? 'plus',
    chatgpt_user_id: `user-${accountId}`,
  };
  const email = options.email ?? 'store-test@example.test';
  const exp = now + (options.expiresInSeconds ?? 3600);
  return {
    authMode: 'chatgpt',
    openaiApiKey: null,
    tokens: {
      idToken: makeTestJwt({ email, iat: now, exp, 'https://api.openai.com/auth': auth }),
      accessToken: makeTestJwt({
        iat: now,
        exp,
        'https://api.openai.com/auth': auth,
        'https://api.openai.com/profile': { email },
      }),
      refreshToken: options.refreshToken ?? `rt_${randomBytes(12).toString('hex')}`,
      accountId,
    },
    lastRefresh: options.lastRefresh ?? new Date().toISOString(),
  };
}

/** An api-key record, as `codex login --with-api-key` stores it. */
export function makeApiKeyRecord(apiKey = `sk-test-${randomBytes(8).toString('hex')}`): AuthRecord {
  return { authMode: 'apikey', openaiApiKey: apiKey, tokens: null, lastRefresh: null };
}
