import { join } from 'node:path';
import type { RecordCodec } from '@codex-oauth/core/model';
import { type JsonObject, parseAuthJson } from './auth-json.js';
import { serializeAuthJson } from './auth-serialize.js';
import { AUTH_FILE, LEGACY_CREDENTIALS_FILE } from './codex-home.js';
import { moveFileAside, readIfExists, removeCredentials } from './store-read.js';

/** The credential files of one `CODEX_HOME`, as the driver and codec of `fileStore` see them. */
export interface CredentialFiles {
  /** The text of `auth.json`, else of `.credentials.json`, else `null`. */
  read(): Promise<string | null>;
  /** Logout: deletes both files, moving aside one that cannot be parsed. Caller holds the write lock. */
  remove(): Promise<boolean>;
  /** Moves aside the file `read` returns now; its new path, or `null`. Caller holds the write lock. */
  moveAside(): Promise<string | null>;
  /** Codex's byte layout: `parseAuthJson` to read, `serializeAuthJson` over the file to write. */
  readonly codec: RecordCodec;
}

/** What the codec keeps of the last text it parsed. */
interface Parsed {
  raw: JsonObject;
  refreshToken: string | null;
}

/**
 * Reads and writes the credential files of `codexHome`. Only `auth.json` is ever written;
 * `.credentials.json` (the Elixir original's fallback) is read when `auth.json` is absent.
 *
 * A save reads the file, parses it for the compare-and-swap, then serializes over it; the codec
 * keeps the unknown keys of the last text parsed, so that is one parse, not two.
 */
export function credentialFiles(codexHome: string): CredentialFiles {
  const auth = join(codexHome, AUTH_FILE);
  const legacy = join(codexHome, LEGACY_CREDENTIALS_FILE);
  // Which file the last text read came from (errors name it), and its parse once there is one.
  let last: { text: string; path: string; parsed?: Parsed } | undefined;

  const current = async (): Promise<{ text: string; path: string } | null> => {
    for (const path of [auth, legacy]) {
      const text = await readIfExists(path);
      if (text !== null) return { text, path };
    }
    return null;
  };
  const parse = (text: string) => {
    const path = last?.text === text ? last.path : auth;
    const { record, raw } = parseAuthJson(text, path);
    last = { text, path, parsed: { raw, refreshToken: record.tokens?.refreshToken ?? null } };
    return record;
  };

  return {
    async read() {
      const found = await current();
      if (found && (last?.text !== found.text || last.path !== found.path)) last = found;
      return found?.text ?? null;
    },
    async remove() {
      let removed = false;
      for (const file of [auth, legacy]) removed = (await removeCredentials(file)) || removed;
      return removed;
    },
    async moveAside() {
      const found = await current();
      return found === null ? null : moveFileAside(found.path);
    },
    codec: {
      parse,
      serialize(record, previous, { swap }) {
        // Only auth.json is merged into: .credentials.json's keys are not carried over.
        let onDisk: Parsed | undefined;
        if (previous !== null && (last?.text === previous ? last.path : auth) === auth) {
          if (last?.text !== previous || last.parsed === undefined) parse(previous);
          onDisk = last?.parsed;
        }
        // Token extras (oauth_provenance, login_owner_id) belong to one login: keep them for a
        // refresh of that login, drop them when a new sign-in replaces it.
        const sameLogin =
          onDisk !== undefined &&
          onDisk.refreshToken !== null &&
          (swap || onDisk.refreshToken === record.tokens?.refreshToken);
        return serializeAuthJson(record, onDisk?.raw ?? null, { keepTokenExtras: sameLogin });
      },
    },
  };
}
