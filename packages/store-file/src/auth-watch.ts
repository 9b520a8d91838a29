import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTH_FILE, LEGACY_CREDENTIALS_FILE } from './codex-home.js';
import { fs } from './node-fs.js';

// Where the directory cannot be watched (no inotify instance left: Linux allows 128 per user by
// default, and a storm of processes uses one each; a missing directory; some network file
// systems), the files are polled this often: what a waiter may lag a rotation by.
const POLL_MS = 10;

/**
 * Calls `onChange` when `auth.json` (or `.credentials.json`) in `codexHome` may have changed:
 * `fs.watch` on the directory (a write replaces the file by rename, which a watch on the file
 * itself would lose), else polling `stat` every 10 ms. Neither keeps the process alive. Returns
 * the function that stops it.
 */
export function watchCredentialFiles(codexHome: string, onChange: () => void): () => void {
  let watcher: FSWatcher | undefined;
  try {
    watcher = fs.watch(codexHome, { persistent: false }, (_event, name) => {
      if (name === null || name === AUTH_FILE || name === LEGACY_CREDENTIALS_FILE) onChange();
    });
  } catch {
    return pollCredentialFiles(codexHome, onChange);
  }
  let stopPolling: (() => void) | undefined;
  watcher.on('error', () => {
    watcher?.close();
    stopPolling ??= pollCredentialFiles(codexHome, onChange);
    onChange();
  });
  return () => {
    watcher?.close();
    stopPolling?.();
  };
}

function pollCredentialFiles(codexHome: string, onChange: () => void): () => void {
  const paths = [AUTH_FILE, LEGACY_CREDENTIALS_FILE].map((name) => join(codexHome, name));
  let last: string | undefined;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const now = (await Promise.all(paths.map(identity))).join('|');
      if (last !== undefined && now !== last) onChange();
      last = now;
    } finally {
      busy = false;
    }
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** What changes when a file is replaced or rewritten: inode, size, modification time. */
async function identity(path: string): Promise<string> {
  try {
    const { ino, size, mtimeMs } = await stat(path);
    return `${ino}:${size}:${mtimeMs}`;
  } catch {
    return '-';
  }
}
