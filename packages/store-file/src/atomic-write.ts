import {
  chmod,
  constants,
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the written file; default `0o600`. */
  mode?: number;
  /** Create the parent directory (mode `0o700`) when it is missing; default `true`. */
  createDirectory?: boolean;
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The temp file's name: `.auth-XXXXXX` for `auth.json`, like Codex's (mkstemp-style, random).
 * Random and opened with `O_EXCL`, so a temp file left by a killed writer never blocks a later
 * write (the original Elixir port used a fixed `auth.json.tmp` and jammed until it was removed).
 */
export function tempFileName(target: string): string {
  const stem = basename(target).replace(/\.json$/, '');
  // Loaded on first write, not imported: `node:crypto` is ~40 internal modules that a program
  // which only reads auth.json (`codex-oauth status`) would otherwise load at start-up.
  const bytes = process.getBuiltinModule('node:crypto').randomBytes(6);
  let suffix = '';
  for (const byte of bytes) suffix += NAME_CHARS[byte % NAME_CHARS.length];
  return join(dirname(target), `.${stem}-${suffix}`);
}

/** A temp file older than this is a leftover of a killed writer (a live write takes milliseconds). */
export const STALE_TEMP_MS = 60_000;

/**
 * Removes leftover temp files of `target` (`.auth-XXXXXX` beside `auth.json`) older than
 * {@link STALE_TEMP_MS}: a writer killed with SIGKILL between create and rename leaves one, and it
 * holds live tokens. Only regular files with exactly our name pattern are touched (Codex names
 * its temp files the same way, and its live ones are milliseconds old); failures are ignored,
 * since this is housekeeping and must never fail a write.
 *
 * @returns how many files were removed.
 */
export async function removeStaleTempFiles(target: string, now = Date.now()): Promise<number> {
  const stem = basename(target).replace(/\.json$/, '');
  const pattern = new RegExp(`^\\.${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[A-Za-z0-9]{6}$`);
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const path = join(dirname(target), name);
    try {
      const info = await lstat(path);
      if (!info.isFile() || now - info.mtimeMs < STALE_TEMP_MS) continue;
      await unlink(path);
      removed += 1;
    } catch {
      // Gone already (another writer cleaned it) or not ours to remove: either way, move on.
    }
  }
  return removed;
}

/**
 * Replaces `path` with `text` so that a reader (or a crash) sees the old file or the new one,
 * never a mix: a temp file in the same directory opened `O_CREAT|O_EXCL` with mode 0600, write,
 * `fsync`, close, `rename` over `path`, then `fsync` of the directory so the rename survives a
 * power cut. The result is always mode 0600, so a looser existing file is tightened.
 *
 * Leftover temp files of killed writers (older than a minute) are removed first.
 *
 * On any failure the temp file is removed, `path` is unchanged, and the error is
 * `CODEX_OAUTH_STORE_WRITE_FAILED` (with the system error as `cause`).
 *
 * @example
 * ```ts
 * await writeFileAtomic(join(codexHome, 'auth.json'), serializeAuthJson(record));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const directory = dirname(path);
  let temp: string | undefined;
  let handle: FileHandle | undefined;
  try {
    if (options.createDirectory !== false) await ensureDirectory(directory);
    await removeStaleTempFiles(path);
    for (let attempt = 0; handle === undefined; attempt++) {
      temp = tempFileName(path);
      try {
        handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
      } catch (err) {
        // A name collision is astronomically rare; anything else is a real failure.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw err;
      }
    }
    // The umask may have narrowed the mode; never widen, but make it exactly what was asked.
    await handle.chmod(mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp as string, path);
    temp = undefined;
    await syncDirectory(directory);
  } catch (cause) {
    await handle?.close().catch(() => {});
    if (temp !== undefined) await unlink(temp).catch(() => {});
    throw writeFailed(path, cause);
  }
}

/**
 * Creates `directory` (and missing parents) with mode 0700 when it does not exist. An existing
 * directory is left as it is: Codex itself creates `~/.codex` with the default mode.
 */
export async function ensureDirectory(directory: string): Promise<void> {
  const created = await mkdir(directory, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(directory, 0o700);
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, constants.O_RDONLY);
    await handle.sync();
  } catch (err) {
    // Some systems (Windows, a few network file systems) cannot fsync a directory; the rename is
    // done and atomic, it is only its durability across a power cut that is not guaranteed there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
  } finally {
    await handle?.close().catch(() => {});
  }
}

const HINTS: Record<string, (path: string) => string> = {
  ENOSPC: () => 'The disk is full: free some space',
  EDQUOT: () => 'The disk quota is used up: free some space',
  EROFS: () => 'The file system is read-only: point CODEX_HOME at a writable directory',
  EACCES: (path) => `You may not write to ${dirname(path)}: check its owner and permissions`,
  EPERM: (path) => `You may not write to ${dirname(path)}: check its owner and permissions`,
  EISDIR: (path) => `${path} is a directory: move it away`,
  ENOTDIR: (path) => `A part of ${dirname(path)} is not a directory: fix the path or CODEX_HOME`,
  // mkdir -p answers EEXIST when a file sits where a directory should be.
  EEXIST: (path) => `A part of ${dirname(path)} is not a directory: fix the path or CODEX_HOME`,
};

/**
 * `CODEX_OAUTH_STORE_WRITE_FAILED` for a system error on `path`, with a hint that names the likely
 * cause (disk full, read-only, permissions) and says the previous file is unchanged.
 */
export function writeFailed(path: string, cause: unknown): CodexOAuthError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  const hint =
    HINTS[code]?.(path) ??
    'Check that the disk is not full or read-only and that you may write there';
  return new CodexOAuthError(
    ErrorCodes.STORE_WRITE_FAILED,
    `Could not write ${path} (${code}). ${hint}, then try again. The previous file is unchanged.`,
    { cause },
  );
}
