import {
  type AuthRecord,
  CodexOAuthError,
  decodeJwtPayload,
  ErrorCodes,
} from '@codex-oauth/core/model';

import { isObject, type JsonObject } from './auth-object.js';

export type { JsonObject };

/** What {@link parseAuthJson} returns: the record, and the whole parsed file for later merges. */
export interface ParsedAuthJson {
  /** The credentials, in the shape every store holds. */
  record: AuthRecord;
  /** The file as parsed, unknown keys included, so a rewrite can keep them in place. */
  raw: JsonObject;
}

/**
 * Every `auth_mode` the Codex CLI knows. Only `chatgpt` and `apikey` are ours; a file in another
 * mode belongs to a login codex-oauth cannot manage (and must not overwrite).
 */
export const CODEX_AUTH_MODES = [
  'apikey',
  'chatgpt',
  'chatgptAuthTokens',
  'headers',
  'agentIdentity',
  'personalAccessToken',
  'bedrockApiKey',
] as const;

/** What each login kind we do not manage is, in words, and how Codex makes it. */
const UNMANAGED: Record<string, string> = {
  personalAccessToken:
    'a Codex personal access token login (codex login --with-access-token or CODEX_ACCESS_TOKEN)',
  agentIdentity: 'a Codex agent identity login',
  bedrockApiKey: 'a Codex Amazon Bedrock key login',
  chatgptAuthTokens: 'ChatGPT tokens handed to Codex by a host app (chatgptAuthTokens)',
  headers: 'a Codex login by custom headers',
};

// RFC 3339 as chrono reads it: date, `T` (or space/lowercase), time, optional fraction, offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses the text of an `auth.json` with the rules of the Codex CLI's reader (serde, no aliases):
 * accepts a missing `auth_mode` (resolved like Codex: `personal_access_token`, then
 * `bedrock_api_key`, then a non-null `OPENAI_API_KEY` means that mode, else ChatGPT), a missing
 * `OPENAI_API_KEY`, `tokens` or `account_id`, and unknown keys; rejects what Codex rejects.
 *
 * Throws `CODEX_OAUTH_STORE_CORRUPT` naming `path` and the problem (never a value) when the file
 * is not JSON, not an object, has a known key of the wrong type, an `id_token` that is not a JWT,
 * an unknown `auth_mode`, or is an API-key login without a key.
 *
 * A valid Codex login of a kind codex-oauth does not manage (`personalAccessToken`,
 * `agentIdentity` — also a file with only an `agent_identity` —, `bedrockApiKey`,
 * `chatgptAuthTokens`, `headers`) is `CODEX_OAUTH_UNMANAGED_LOGIN` instead: the file is fine, it is
 * just not ours, so every caller leaves it as it is.
 *
 * @example
 * ```ts
 * const { record, raw } = parseAuthJson(await readFile(file, 'utf8'), file);
 * ```
 */
export function parseAuthJson(text: string, path: string): ParsedAuthJson {
  const corrupt = (problem: string): CodexOAuthError =>
    new CodexOAuthError(
      ErrorCodes.STORE_CORRUPT,
      `${path} cannot be read: ${problem}. Codex would refuse it too; it was left untouched. ` +
        'Fix or remove it, or sign in again with --force (which moves it aside first).',
    );
  if (text.trim() === '') throw corrupt('the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // The parser's message can quote the input (a token): keep only the position.
    const at = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw corrupt(`it is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`);
  }
  if (!isObject(value)) throw corrupt(`it holds ${describe(value)}, not a JSON object`);
  const raw = value;

  const mode = raw.auth_mode ?? null;
  if (mode !== null && !(CODEX_AUTH_MODES as readonly unknown[]).includes(mode)) {
    throw corrupt(
      typeof mode === 'string'
        ? `"auth_mode" has the unknown value "${safe(mode)}"`
        : `"auth_mode" is ${describe(mode)}`,
    );
  }
  const apiKey = optionalString(raw, 'OPENAI_API_KEY', corrupt);
  const tokens = parseTokens(raw.tokens, corrupt);
  const lastRefresh = optionalString(raw, 'last_refresh', corrupt);
  if (
    lastRefresh !== null &&
    !(RFC3339.test(lastRefresh) && !Number.isNaN(Date.parse(lastRefresh)))
  ) {
    throw corrupt('"last_refresh" is not an RFC 3339 time');
  }
  optionalString(raw, 'personal_access_token', corrupt);

  const resolved = resolveMode(mode as string | null, raw, apiKey, tokens);
  if (resolved !== 'chatgpt' && resolved !== 'apikey') {
    throw new CodexOAuthError(
      ErrorCodes.UNMANAGED_LOGIN,
      `${path} holds ${UNMANAGED[resolved] ?? `a "${resolved}" Codex login`}, which codex-oauth ` +
        'does not manage; it was left untouched. Keep using it with the Codex CLI, or run ' +
        'codex-oauth login --force to replace it with a ChatGPT sign-in (it is moved aside first).',
    );
  }
  // Codex loads the file but then fails with "API key auth is missing a key.": unusable.
  if (resolved === 'apikey' && apiKey === null)
    throw corrupt('it is an API-key login without a key');
  return { record: { authMode: resolved, openaiApiKey: apiKey, tokens, lastRefresh }, raw };
}

function resolveMode(
  mode: string | null,
  raw: JsonObject,
  apiKey: string | null,
  tokens: AuthRecord['tokens'],
): string {
  // An agent identity without ChatGPT tokens or a key: Codex resolves the mode to ChatGPT and
  // then finds no tokens, but the file is its agent login, and ours would be a sign-out to replace.
  const agentOnly = raw.agent_identity != null && tokens === null && apiKey === null;
  if (mode !== null) return mode === 'chatgpt' && agentOnly ? 'agentIdentity' : mode;
  if (raw.personal_access_token != null) return 'personalAccessToken';
  if (raw.bedrock_api_key != null) return 'bedrockApiKey';
  if (agentOnly) return 'agentIdentity';
  return apiKey !== null ? 'apikey' : 'chatgpt';
}

function parseTokens(
  value: unknown,
  corrupt: (problem: string) => CodexOAuthError,
): AuthRecord['tokens'] {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw corrupt(`"tokens" is ${describe(value)}, not an object`);
  for (const key of ['id_token', 'access_token', 'refresh_token'] as const) {
    if (typeof value[key] !== 'string') {
      throw corrupt(
        `"tokens.${key}" is ${value[key] === undefined ? 'missing' : describe(value[key])}`,
      );
    }
  }
  const idToken = value.id_token as string;
  try {
    decodeJwtPayload(idToken, 'id_token');
  } catch (err) {
    // Keep the reason ("payload is not unpadded base64url"), never the token.
    const reason = /not a valid JWT: ([^.]*)/.exec((err as Error).message)?.[1] ?? 'not a JWT';
    throw corrupt(`"tokens.id_token" is not a JWT (${reason})`);
  }
  return {
    idToken,
    accessToken: value.access_token as string,
    refreshToken: value.refresh_token as string,
    accountId: optionalString(value, 'account_id', corrupt, 'tokens.'),
  };
}

function optionalString(
  object: JsonObject,
  key: string,
  corrupt: (problem: string) => CodexOAuthError,
  prefix = '',
): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw corrupt(`"${prefix}${key}" is ${describe(value)}, not a string`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** An unknown `auth_mode` is echoed only when short and plain, so a secret never leaks through it. */
function safe(value: string): string {
  return /^[A-Za-z_]{1,32}$/.test(value) ? value : '…';
}
