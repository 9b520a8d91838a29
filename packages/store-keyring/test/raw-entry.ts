import { AsyncEntry } from '@napi-rs/keyring';
import { KEYRING_SERVICE, keyringAccount } from '../src/index.js';

/**
 * The keyring entry of `codexHome` straight through the binding, bypassing the store: what Codex
 * (or a damaged write) leaves there, and what the store really wrote.
 */
export function rawEntry(codexHome: string): AsyncEntry {
  return AsyncEntry.withTarget('default', KEYRING_SERVICE, keyringAccount(codexHome), {
    linux: { store: 'secret-service' },
  });
}
