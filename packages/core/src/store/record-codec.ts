import type { AuthRecord } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { RecordCodec } from './driver.js';

/**
 * Why a stored string is not a record. Internal: `defineTokenStore` turns it into
 * `CODEX_OAUTH_STORE_CORRUPT` naming the store. Its message never quotes the data.
 */
export class UnreadableRecord extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The default {@link RecordCodec}: the record in the schema of Codex's `auth.json`, as compact
 * JSON. The same shape Codex keeps in its keyring entry, so a backend holding it is readable by
 * Codex too; the keys are snake_case and a missing `auth_mode` is inferred, as Codex does.
 */
export const codexRecordCodec: RecordCodec = {
  parse(text) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the input, which may hold a token: say less.
      throw new UnreadableRecord('it is not JSON');
    }
    if (!isObject(value)) throw new UnreadableRecord('it is not a JSON object');
    const tokens = readTokens(value.tokens);
    const apiKey = optionalString(value, 'OPENAI_API_KEY');
    const mode = value.auth_mode ?? (tokens === null && apiKey !== null ? 'apikey' : 'chatgpt');
    if (mode !== 'chatgpt' && mode !== 'apikey') {
      throw new UnreadableRecord('auth_mode is neither "chatgpt" nor "apikey"');
    }
    if (tokens === null && apiKey === null) {
      throw new UnreadableRecord('it holds neither tokens nor an API key');
    }
    return {
      authMode: mode,
      openaiApiKey: apiKey,
      tokens,
      lastRefresh: optionalString(value, 'last_refresh'),
    };
  },

  serialize(record) {
    checkRecord(record);
    const { tokens } = record;
    return JSON.stringify({
      auth_mode: record.authMode,
      OPENAI_API_KEY: record.openaiApiKey,
      tokens:
        tokens === null
          ? null
          : {
              id_token: tokens.idToken,
              access_token: tokens.accessToken,
              refresh_token: tokens.refreshToken,
              account_id: tokens.accountId,
            },
      last_refresh: record.lastRefresh,
    });
  },
};

function readTokens(value: unknown): AuthRecord['tokens'] {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) throw new UnreadableRecord('tokens is not an object');
  const token = (key: string): string => {
    const found = value[key];
    if (typeof found !== 'string' || found === '') {
      throw new UnreadableRecord(`tokens.${key} is missing or not a string`);
    }
    return found;
  };
  return {
    idToken: token('id_token'),
    accessToken: token('access_token'),
    refreshToken: token('refresh_token'),
    accountId: optionalString(value, 'account_id', 'tokens.'),
  };
}

function optionalString(object: Json, key: string, prefix = ''): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnreadableRecord(`${prefix}${key} is not a string`);
  return value;
}

/** Refuses to store what could not be read back: a save never writes an unreadable record. */
function checkRecord(record: AuthRecord): void {
  const bad = (what: string) =>
    new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `save() was given a record that is not an AuthRecord (${what}); build records with ` +
        'recordFromTokens or mergeRefreshedTokens.',
    );
  if (!isObject(record)) throw bad('not an object');
  if (record.authMode !== 'chatgpt' && record.authMode !== 'apikey') throw bad('authMode');
  if (record.openaiApiKey !== null && typeof record.openaiApiKey !== 'string') {
    throw bad('openaiApiKey');
  }
  if (record.lastRefresh !== null && typeof record.lastRefresh !== 'string') {
    throw bad('lastRefresh');
  }
  const { tokens } = record;
  if (tokens === null) {
    if (record.openaiApiKey === null) throw bad('neither tokens nor an API key');
    return;
  }
  if (!isObject(tokens)) throw bad('tokens');
  for (const name of ['idToken', 'accessToken', 'refreshToken'] as const) {
    if (typeof tokens[name] !== 'string' || tokens[name] === '') throw bad(`tokens.${name}`);
  }
  if (tokens.accountId !== null && typeof tokens.accountId !== 'string') {
    throw bad('tokens.accountId');
  }
}
