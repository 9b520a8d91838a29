// oauth4webapi is imported when a sign-in makes its PKCE pair, not with core: a program that only
// refreshes tokens never loads it (see `oidc/on-demand.ts`).
const oauth4webapi = () => import('oauth4webapi');

/** A PKCE pair. `verifier` is a secret: it is non-enumerable, so logging the pair hides it. */
export interface Pkce {
  /** The code verifier (43 base64url characters from 32 random bytes). Secret. */
  verifier: string;
  /** `BASE64URL(SHA-256(verifier))`, sent as `code_challenge` with `code_challenge_method=S256`. */
  challenge: string;
}

/**
 * Makes a fresh PKCE pair (RFC 7636, `S256` only; `plain` is never offered).
 *
 * The verifier comes from oauth4webapi: 32 random bytes, base64url without padding (43
 * characters). Codex uses 64 bytes (86 characters); both are within RFC 7636's 43–128 and the
 * issuer accepts either.
 *
 * @example
 * ```ts
 * const { verifier, challenge } = await generatePkce();
 * ```
 */
export async function generatePkce(): Promise<Pkce> {
  const verifier = (await oauth4webapi()).generateRandomCodeVerifier();
  const challenge = await pkceChallenge(verifier);
  const pair = { challenge } as Pkce;
  // Non-enumerable so `console.log(pair)`, `inspect` and `JSON.stringify` never show the secret.
  Object.defineProperty(pair, 'verifier', { value: verifier, enumerable: false });
  return pair;
}

/**
 * The `S256` code challenge of `verifier`: base64url (no padding) of its SHA-256 digest.
 *
 * @example
 * ```ts
 * await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' (RFC 7636 appendix B)
 * ```
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  return (await oauth4webapi()).calculatePKCECodeChallenge(verifier);
}

/**
 * A fresh OAuth `state`: 32 random bytes, base64url without padding (43 characters), as Codex
 * makes it (and oauth4webapi's `generateRandomState`). The loopback server accepts a callback
 * only when its `state` matches exactly. Synchronous, so from `node:crypto` rather than from
 * oauth4webapi, which loads on demand.
 */
export function generateState(): string {
  return process.getBuiltinModule('node:crypto').randomBytes(32).toString('base64url');
}
