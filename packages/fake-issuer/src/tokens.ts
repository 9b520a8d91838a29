import { createHash, randomBytes } from 'node:crypto';
import { recordIssuedSecret } from './secrets-log.js';
import type { FakeAccount } from './types.js';

/** The account every fake issuer starts with, unless `account` overrides fields. */
export const DEFAULT_ACCOUNT: Readonly<FakeAccount> = Object.freeze({
  email: 'user@example.test',
  accountId: '6f1c2d3e-0000-4000-8000-00000000fa4e',
  planType: 'pro',
  userId: 'user-fake-0001',
});

/** Codex's public client id, the default of `clientId`. */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** Unpadded base64url, as Codex requires for JWT payloads. */
function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The S256 PKCE challenge of a verifier. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Prefix of every `jti` minted here, so a token seen in a log is recognisably the fake's. Secret
 * scans still match exact values (see `secrets-log.ts`), never this marker.
 */
const JTI_PREFIX = 'fakeiss_';

/** Random hex of `bytes` bytes: every opaque value the issuer mints. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * A JWT-shaped string: header `{"alg":"RS256","typ":"JWT","kid":"fake"}`, the payload, and a
 * random signature segment. Nobody verifies it (Codex only decodes), so a real key is not needed.
 */
function makeJwt(payload: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'fake' }));
  return `${header}.${base64url(JSON.stringify(payload))}.${base64url(randomBytes(32))}`;
}

/** Decode a JWT payload minted here (or any unverified JWT); null when it is not one. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Inputs of one token issuance. */
export interface MintInput {
  issuer: string;
  clientId: string;
  account: FakeAccount;
  /** Issue time in ms. */
  now: number;
  /** Access/id token lifetime in seconds. */
  ttlSeconds: number;
}

/** The three tokens of one issuance and the answer body of `/oauth/token`. */
export interface MintedTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  body: {
    id_token: string;
    access_token: string;
    refresh_token: string;
    token_type: 'Bearer';
    expires_in: number;
    scope: string;
  };
}

/** The scope the issuer grants (what Codex 0.169 asks for). */
const GRANTED_SCOPE =
  'openid profile email offline_access api.connectors.read api.connectors.invoke';

/**
 * Mint id, access and refresh tokens with the claim layout of the real server (mirrors the auth.json
 * files Codex 0.169 wrote in the fixtures): `email` in the id token, the profile claim in the access
 * token, the auth claim in both. A `jti` makes every token unique even within one second.
 */
export function mintTokens(input: MintInput): MintedTokens {
  const { issuer, clientId, account, now, ttlSeconds } = input;
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const sub = `auth0|${account.userId}`;
  const auth = {
    chatgpt_plan_type: account.planType,
    chatgpt_account_id: account.accountId,
    chatgpt_user_id: account.userId,
    user_id: account.userId,
  };
  const idToken = makeJwt({
    iss: issuer,
    aud: [clientId],
    sub,
    email: account.email,
    email_verified: true,
    iat,
    exp,
    jti: `${JTI_PREFIX}${randomHex(8)}`,
    'https://api.openai.com/auth': auth,
  });
  const accessToken = makeJwt({
    iss: issuer,
    aud: ['https://api.openai.com/v1'],
    sub,
    client_id: clientId,
    iat,
    exp,
    jti: `${JTI_PREFIX}${randomHex(8)}`,
    scp: GRANTED_SCOPE.split(' '),
    'https://api.openai.com/auth': auth,
    'https://api.openai.com/profile': { email: account.email, email_verified: true },
  });
  const refreshToken = `rt_${randomHex(20)}`;
  recordIssuedSecret('id_token', idToken);
  recordIssuedSecret('access_token', accessToken);
  recordIssuedSecret('refresh_token', refreshToken);
  return {
    idToken,
    accessToken,
    refreshToken,
    body: {
      id_token: idToken,
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: ttlSeconds,
      scope: GRANTED_SCOPE,
    },
  };
}
