import type { AuthRecord } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type SessionOptions, throwIfAborted } from './options.js';
import { type LoginResult, loginResult } from './results.js';
import { resolveStoreContext, storeWarnings } from './store-context.js';

/** Options of {@link loginWithApiKey}. */
export interface ApiKeyLoginOptions extends SessionOptions {
  /** The OpenAI API key (`sk-...`). Secret: never logged, never in an error. */
  apiKey: string;
}

/**
 * Stores an OpenAI API key as Codex's `codex login --with-api-key` does: the record
 * `{ "auth_mode": "apikey", "OPENAI_API_KEY": "…" }` alone, replacing whatever was stored
 * (a ChatGPT session is not revoked: `logout()` first to revoke it). With store-file the bytes
 * are Codex's own. No request is made: like Codex, the key is checked when it is first used.
 *
 * The key is trimmed at both ends (a piped key ends with a newline); an empty key, or one with
 * whitespace inside (two keys, a wrapped paste), is `CODEX_OAUTH_INVALID_OPTION`, where Codex
 * would store it and fail on first use. Codex's `forced_login_method = "chatgpt"` refuses it
 * with `CODEX_OAUTH_LOGIN_METHOD_FORBIDDEN`.
 *
 * @example
 * ```ts
 * const result = await loginWithApiKey({ apiKey: process.env.OPENAI_API_KEY ?? '' });
 * console.log(result.authMode); // 'apikey'
 * ```
 */
export async function loginWithApiKey(options: ApiKeyLoginOptions): Promise<LoginResult> {
  throwIfAborted(options.signal);
  const apiKey = typeof options.apiKey === 'string' ? options.apiKey.trim() : '';
  if (apiKey === '') {
    throw new CodexOAuthError(ErrorCodes.INVALID_OPTION, 'No API key was given (it is empty).');
  }
  if (/\s/.test(apiKey)) {
    // Not quoted back: it is (part of) a secret.
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'The API key has whitespace inside it (two keys, or a line break): give exactly one key.',
    );
  }
  const ctx = await resolveStoreContext(options);
  if (ctx.config.forcedLoginMethod === 'chatgpt') {
    throw new CodexOAuthError(
      ErrorCodes.LOGIN_METHOD_FORBIDDEN,
      'config.toml sets forced_login_method = "chatgpt": Codex only accepts a ChatGPT sign-in ' +
        'here, so an API key is refused. Remove that setting or sign in with ChatGPT.',
    );
  }
  const record: AuthRecord = {
    authMode: 'apikey',
    openaiApiKey: apiKey,
    tokens: null,
    lastRefresh: null,
  };
  const { store } = ctx;
  const replace = async () => {
    // Codex writes a fresh file: clear first, so no key of the old one survives the save (an
    // unreadable old file is moved aside by store-file's clear, never lost).
    await store.clear();
    await store.save(record);
  };
  await (store.withLock ? store.withLock(replace) : replace());
  return loginResult(record, store, 'api_key', storeWarnings(store));
}
