// @ts-check
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Directories never walked: dependencies, git, build output, turbo's copies of the same output. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.turbo', 'dist', '.pnpm-store']);
/** Larger files are not test logs; reading them would only slow the scan down. */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * @typedef {object} LogFileOptions
 * @property {string[]} roots    Directories to walk (the repository, the temp directory).
 * @property {number} since      Only files modified at or after this time (ms) count as *.log of
 *                               this run; `test-output/` files count whatever their age.
 * @property {number} [maxDepth] How deep to walk below each root (default 8).
 * @property {string[]} [exclude] Paths never scanned (the secrets log itself).
 */

/**
 * Files the test run may have written as logs: every `*.log` modified since the run started, and
 * every file inside a `test-output/` directory (where tests keep bundles, page dumps and logs).
 * Binary files (a NUL in the first 8 KiB) and unreadable entries are skipped.
 *
 * @param {LogFileOptions} options
 * @returns {string[]}
 */
export function findLogFiles({ roots, since, maxDepth = 8, exclude = [] }) {
  /** @type {string[]} */
  const files = [];
  const skip = new Set(exclude);
  /**
   * @param {string} dir
   * @param {number} depth
   * @param {boolean} inOutput inside a test-output/ directory
   */
  const walk = (dir, depth, inOutput) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // another user's directory, or removed while we walk
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth && !SKIP_DIRS.has(entry.name)) {
          walk(path, depth + 1, inOutput || entry.name === 'test-output');
        }
        continue;
      }
      if (!entry.isFile() || skip.has(path)) continue;
      if (!inOutput && !entry.name.endsWith('.log')) continue;
      try {
        const stat = statSync(path);
        if (stat.size > MAX_BYTES) continue;
        if (!inOutput && stat.mtimeMs < since) continue;
        files.push(path);
      } catch {
        // removed while we walk
      }
    }
  };
  for (const root of roots) walk(root, 0, false);
  return files;
}

/**
 * A file's text, or null when it is binary or unreadable.
 *
 * @param {string} path
 * @returns {string | null}
 */
export function readTextFile(path) {
  try {
    const data = readFileSync(path);
    if (data.subarray(0, 8192).includes(0)) return null;
    return data.toString('utf8');
  } catch {
    return null;
  }
}
