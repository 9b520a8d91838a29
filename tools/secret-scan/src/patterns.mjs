// @ts-check
import { createHash } from 'node:crypto';

/**
 * Shorter values are skipped: every secret the fake issuer mints is far longer, and a short string
 * would match ordinary output by chance.
 */
export const MIN_SECRET_LENGTH = 16;

/** The names of a JWT's three segments, in order. */
const SEGMENTS = /** @type {const} */ (['header', 'payload', 'signature']);

/**
 * @typedef {object} IssuedSecret
 * @property {string} kind  What the fake issuer logged it as (`access_token`, `pkce_verifier`, ...).
 * @property {string} value The secret itself.
 */

/**
 * @typedef {object} Pattern
 * @property {string} text  What to search for: a whole secret or one JWT segment of it.
 * @property {string} kind  The secret's kind(s), `/`-joined when one value was logged as several.
 * @property {'whole' | 'header' | 'payload' | 'signature'} part
 * @property {string} hash  {@link shortHash} of the whole secret: how a report names it.
 */

/**
 * A 12-hex-digit SHA-256 prefix: enough to tell secrets apart in a report and to match one against
 * a secrets log by hand, without printing the secret.
 *
 * @param {string} value
 * @returns {string}
 */
export function shortHash(value) {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * Parse the fake issuer's secrets log (`kind<TAB>value` lines, see
 * `packages/fake-issuer/src/secrets-log.ts`). Blank and malformed lines are skipped.
 *
 * @param {string} text
 * @returns {IssuedSecret[]}
 */
export function parseSecretsLog(text) {
  /** @type {IssuedSecret[]} */
  const secrets = [];
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const value = line.slice(tab + 1).trimEnd();
    if (value) secrets.push({ kind: line.slice(0, tab), value });
  }
  return secrets;
}

/**
 * True when a JWT segment is a JOSE header (`{"alg":...}`): the fake's header is the same for every
 * token and public, so finding it proves nothing.
 *
 * @param {string} segment
 */
function isJoseHeader(segment) {
  try {
    const json = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return Boolean(json) && typeof json === 'object' && 'alg' in json;
  } catch {
    return false;
  }
}

/**
 * The strings to search for. Every secret is searched whole; a JWT is also searched segment by
 * segment, because its payload alone leaks the claims (and its signature alone is random enough to
 * identify it). A segment is kept only when it is at least {@link MIN_SECRET_LENGTH} long, is not a
 * JOSE header, and belongs to exactly one secret (a shared segment is not a secret of any one
 * token). Values logged under several kinds (a device verifier is also a PKCE verifier) become one
 * pattern.
 *
 * @param {IssuedSecret[]} secrets
 * @returns {Pattern[]}
 */
export function buildPatterns(secrets) {
  /** @type {Map<string, Set<string>>} */
  const kinds = new Map();
  for (const { kind, value } of secrets) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const set = kinds.get(value) ?? new Set();
    set.add(kind);
    kinds.set(value, set);
  }
  /** @type {Map<string, Pattern>} */
  const patterns = new Map();
  /** @type {Map<string, number>} how many distinct secrets contain each segment */
  const segmentOwners = new Map();
  /** @type {Pattern[]} */
  const segmentPatterns = [];
  for (const [value, set] of kinds) {
    const kind = [...set].sort().join('/');
    const hash = shortHash(value);
    patterns.set(value, { text: value, kind, part: 'whole', hash });
    const parts = value.split('.');
    if (parts.length !== 3) continue;
    parts.forEach((segment, i) => {
      if (segment.length < MIN_SECRET_LENGTH || isJoseHeader(segment)) return;
      segmentOwners.set(segment, (segmentOwners.get(segment) ?? 0) + 1);
      segmentPatterns.push({ text: segment, kind, part: SEGMENTS[i] ?? 'payload', hash });
    });
  }
  for (const pattern of segmentPatterns) {
    if (segmentOwners.get(pattern.text) === 1 && !patterns.has(pattern.text)) {
      patterns.set(pattern.text, pattern);
    }
  }
  return [...patterns.values()];
}
