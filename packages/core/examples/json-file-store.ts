import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { defineTokenStore, type TokenStore } from '@codex-oauth/core';

const read = (path: string) =>
  readFile(path, 'utf8').catch((error) => (error.code === 'ENOENT' ? null : Promise.reject(error)));

// Writes to one path run one after another in this process: that makes compare-and-write atomic
// here. (Two processes on one file would need a lock file too: then declare crossProcessLock.)
const queues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(path) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    path,
    run.catch(() => undefined),
  );
  return run;
}

/** Keeps the sign-in in a JSON file at `path` (mode 0600, replaced atomically by rename). */
export function jsonFileStore(path: string): TokenStore {
  return defineTokenStore({
    kind: 'json-file',
    capabilities: { persistent: true },
    read: () => read(path),
    write: (value, expected) =>
      oneAtATime(path, async () => {
        if (expected !== undefined && (await read(path)) !== expected) return false;
        await writeFile(`${path}.tmp`, value, { mode: 0o600 });
        await rename(`${path}.tmp`, path); // a reader sees the old file or the new one
        return true;
      }),
    remove: () =>
      oneAtATime(path, () =>
        rm(path)
          .then(() => true)
          .catch(() => false),
      ),
    describe: () => ({ location: path }),
  });
}
