/**
 * Redaction of secrets from any text that leaves the process (error messages, `toJSON`,
 * `inspect`, CLI output). Two nets: by value (every secret the transport has sent or received is
 * remembered and removed wherever it shows up, whatever its length or shape) and by shape (JWTs,
 * `rt_…`/`sk-…`, long base64url runs), for secrets we never saw, such as ones a server invents.
 */

// Field names whose values are secrets in the requests we send and the answers we read.
const SECRET_FIELDS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'authorization_code',
  'device_auth_id',
  'device_code',
  'token',
  'client_secret',
  'api_key',
  'openai_api_key',
  'assertion',
  'subject_token',
]);

// Values shorter than this are not secrets worth the name and would shred ordinary words.
const MIN_SECRET_LENGTH = 4;
// A long-running host sees a new set of tokens every refresh; keep only the newest ones.
const MAX_REMEMBERED = 256;
// Messages are short; anything longer is cut before the shape pass, whose regular expression
// overflows V8's backtracking stack on runs of several megabytes.
const MAX_TEXT = 4096;

const SECRET_PATTERN =
  /\beyJ[\w-]+\.[\w-]+\.[\w-]*|\b(?:rt|sk|at|ac|dev|da|dac)[_-][\w-]{8,}|[A-Za-z0-9_-]{32,}/g;

// Insertion-ordered, so the oldest entry is the first one to drop.
const remembered = new Set<string>();

/** Remembers `value` as a secret: it is redacted from every text from now on. */
function rememberSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  remembered.delete(value);
  remembered.add(value);
  if (remembered.size > MAX_REMEMBERED) {
    const oldest = remembered.values().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
}

/**
 * Remembers the values of secret fields (`access_token`, `code`, `device_auth_id`, …) anywhere in
 * a parsed JSON value or form, and of an `authorization` header's credentials.
 */
export function rememberSecretsIn(value: unknown, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  const entries =
    value instanceof URLSearchParams ? [...value.entries()] : Object.entries(value as object);
  for (const [key, field] of entries) {
    const name = key.toLowerCase();
    if (SECRET_FIELDS.has(name)) rememberSecret(field);
    else if (name === 'authorization' && typeof field === 'string') {
      rememberSecret(field.replace(/^\S+\s+/, ''));
    } else rememberSecretsIn(field, depth + 1);
  }
}

/** Remembers the secret fields of a request or answer body (JSON or form), if it parses. */
export function rememberSecretsInBody(text: string): void {
  if (text === '') return;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      rememberSecretsIn(JSON.parse(text));
    } catch {
      // Not JSON after all: nothing structured to learn from; the shape pass still applies.
    }
    return;
  }
  if (/^[\w.%+-]+=/.test(trimmed)) rememberSecretsIn(new URLSearchParams(trimmed));
}

/**
 * Replaces every remembered secret, then anything shaped like one, with `[redacted]`. Text
 * longer than 4 KiB is cut (after the value pass, so a secret cannot survive half-cut).
 */
export function redactSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  const values = [...remembered].sort((a, b) => b.length - a.length);
  for (const value of values) {
    if (out.includes(value)) out = out.split(value).join('[redacted]');
  }
  if (out.length > MAX_TEXT) out = `${out.slice(0, MAX_TEXT)}…`;
  return out.replace(SECRET_PATTERN, '[redacted]');
}

/**
 * A short, single-line, escaped and redacted excerpt of a body, for messages: never the body
 * itself (an HTML page pasted into an error is unreadable, and may echo what we sent).
 */
export function bodyExcerpt(text: string, max = 160): string {
  const flat = redactSecrets(text.slice(0, 64 * 1024))
    .replace(/\s+/g, ' ')
    .trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  // JSON string escaping, minus the quotes: control characters and odd bytes stay visible.
  return JSON.stringify(cut).slice(1, -1);
}
