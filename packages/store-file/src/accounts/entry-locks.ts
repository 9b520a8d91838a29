import { fileStore } from '../file-store.js';
import { entryDirOf } from './account-paths.js';

/**
 * Runs `fn` holding the refresh locks (`auth.lock`) of the entries `keys`, taken in key order so
 * that two switches (or a switch and an add) never wait on each other in a circle. The caller
 * already holds `CODEX_HOME`'s `auth.lock`: CODEX_HOME first, then entries, always.
 */
export async function withEntryLocks<T>(
  codexHome: string,
  keys: readonly (string | null)[],
  fn: () => Promise<T>,
): Promise<T> {
  const sorted = [...new Set(keys.filter((k): k is string => k !== null))].sort();
  const run = (index: number): Promise<T> => {
    const key = sorted[index];
    if (key === undefined) return fn();
    return fileStore({ codexHome: entryDirOf(codexHome, key) }).withLock(() => run(index + 1));
  };
  return run(0);
}
