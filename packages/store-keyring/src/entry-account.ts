import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';

/** The keyring service name of Codex's login (`KEYRING_SERVICE` in Codex's auth storage). */
export const KEYRING_SERVICE = 'Codex Auth';

/**
 * The keyring account Codex keeps the login of `codexHome` under: `cli|` and the first 16 hex
 * digits of the SHA-256 of the canonical path. Canonical as Rust's `canonicalize()` makes it
 * (`realpath`), falling back to the path as given when it does not resolve (a `CODEX_HOME` that
 * does not exist yet), exactly as Codex does, so both name the same entry for the same home.
 *
 * @example
 * ```ts
 * keyringAccount('/home/ada/.codex'); // 'cli|' + 16 hex digits
 * ```
 */
export function keyringAccount(codexHome: string): string {
  let canonical = codexHome;
  try {
    canonical = realpathSync.native(codexHome);
  } catch {
    // Codex: `.canonicalize().unwrap_or_else(|_| codex_home.to_path_buf())`.
  }
  const hex = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return `cli|${hex.slice(0, 16)}`;
}
