import { defineTokenStore, type TokenStore } from '@codex-oauth/core';

// One Map for the process: every store made for the same key shares its record.
const values = new Map<string, string>();

/** Keeps the sign-in under `key` in process memory. */
export function mapStore(key: string): TokenStore {
  return defineTokenStore({
    kind: 'map',
    async read() {
      return values.get(key) ?? null;
    },
    async write(value, expected) {
      // No await between the compare and the write, so concurrent writes cannot interleave.
      if (expected !== undefined && (values.get(key) ?? null) !== expected) return false;
      values.set(key, value);
      return true;
    },
    async remove() {
      return values.delete(key);
    },
    describe: () => ({ location: `map key ${key}` }),
  });
}
