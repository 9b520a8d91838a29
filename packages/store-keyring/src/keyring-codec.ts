import { codexRecordCodec, type RecordCodec } from '@codex-oauth/core/model';

type Json = Record<string, unknown>;

const TOP_KEYS = ['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh'] as const;
const TOKEN_KEYS = ['id_token', 'access_token', 'refresh_token', 'account_id'] as const;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The keyring entry's value: the record as Codex keeps it there, the compact JSON
 * (`serde_json::to_string`) of the object `auth.json` holds. Core's Codex-schema codec reads and
 * writes the managed keys; this one keeps every key it does not manage where it was (Codex's
 * `agent_identity`, `tokens.oauth_provenance`, `tokens.login_owner_id`, future ones), as
 * store-file does in `auth.json`. Token extras belong to one login: they stay for a refresh of
 * it and go when a new sign-in replaces it. A `null` `tokens` or `last_refresh` is left out, as
 * Codex leaves out what it does not have.
 */
export const keyringCodec: RecordCodec = {
  parse: (text) => codexRecordCodec.parse(text),
  serialize(record, previous, change) {
    const managed = JSON.parse(codexRecordCodec.serialize(record, previous, change)) as Json;
    for (const key of ['tokens', 'last_refresh']) if (managed[key] === null) delete managed[key];
    let old: Json = {};
    if (previous !== null) {
      // Already parsed once by core (it would have thrown then), so this cannot fail.
      const parsed: unknown = JSON.parse(previous);
      if (isObject(parsed)) old = parsed;
    }
    const oldTokens = isObject(old.tokens) ? old.tokens : {};
    const sameLogin = change.swap || oldTokens.refresh_token === record.tokens?.refreshToken;
    if (isObject(managed.tokens)) {
      managed.tokens = merge(TOKEN_KEYS, managed.tokens, sameLogin ? oldTokens : {});
    }
    return JSON.stringify(merge(TOP_KEYS, managed, old));
  },
};

/**
 * Lays out `managed` (in `order`) with the unknown keys of `previous`, each right after the
 * managed key it followed there, so an unchanged record gives back the same string.
 */
function merge(order: readonly string[], managed: Json, previous: Json): Json {
  const known = new Set<string>(order);
  const after = new Map<string | null, string[]>();
  let anchor: string | null = null;
  for (const key of Object.keys(previous)) {
    if (known.has(key)) anchor = key;
    else after.set(anchor, [...(after.get(anchor) ?? []), key]);
  }
  // No prototype: a `__proto__` key from the entry stays a plain key.
  const out: Json = Object.create(null);
  const extras = (key: string | null) => {
    for (const extra of after.get(key) ?? []) out[extra] = previous[extra];
  };
  extras(null);
  for (const key of order) {
    if (key in managed) out[key] = managed[key];
    extras(key);
  }
  return out;
}
