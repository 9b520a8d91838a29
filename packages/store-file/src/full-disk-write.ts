import { constants, type FileHandle, open } from 'node:fs/promises';
import { isCodexOAuthError } from '@codex-oauth/core/model';
import { writeFileAtomic } from './atomic-write.js';

/** The system errors that mean "no space", where an in-place rewrite can still succeed. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Saves a credentials file (`auth.json`, an account's entry) as {@link writeFileAtomic} does,
 * and when that fails because the disk is full, rewrites the file in place instead.
 *
 * Why: a refresh's save comes after the issuer has already retired the stored refresh token, so
 * a save that fails loses the sign-in (the next refresh is `refresh_token_reused`). A full disk is
 * the common cause, and there the atomic write cannot work at all (its temp file needs new
 * blocks), while the file being replaced already holds blocks enough for its successor: tokens
 * keep their length across rotations. So the rewrite is done only when the new text fits in the
 * blocks the file already has (`st_blocks`), where a write needs no new space; otherwise nothing
 * is touched and the atomic write's error (`CODEX_OAUTH_STORE_WRITE_FAILED`) stands.
 *
 * The caller holds the file's write lock, as for the atomic write. A reader without the lock
 * loses the rename's promise of a whole file only for the one write of ~2 KB: the text is written
 * padded with spaces to the old length (JSON allows trailing whitespace), so before and after it
 * the file is valid JSON, then truncated to the text's exact length. The result is the bytes the
 * atomic write would have left, mode 0600.
 */
export async function writeCredentialFile(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    if (!noSpace(error)) throw error;
    // A rewrite that fit and failed all the same has put the old bytes back: the atomic
    // write's error, which says the file is unchanged, is still the one to report.
    const rewritten = await rewriteInPlace(path, text).catch(() => false);
    if (!rewritten) throw error;
  }
}

function noSpace(error: unknown): boolean {
  if (!isCodexOAuthError(error)) return false;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && NO_SPACE.has(code);
}

/**
 * Rewrites the existing regular file at `path` with `text` inside its allocated blocks. Returns
 * `false`, having changed nothing, when there is no such file or `text` does not fit; throws
 * when a write that fit failed all the same, after writing the old bytes back.
 */
async function rewriteInPlace(path: string, text: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a symlink in auth.json's place is not something to write through.
    handle = await open(path, constants.O_RDWR | constants.O_NOFOLLOW);
  } catch {
    return false;
  }
  try {
    const before = await handle.stat();
    const bytes = Buffer.from(text, 'utf8');
    const length = Math.max(before.size, bytes.length);
    if (!before.isFile() || before.blocks * 512 < length) return false;
    const old = await handle.readFile();
    const padded = Buffer.alloc(length, ' ');
    bytes.copy(padded);
    try {
      await writeAll(handle, padded);
      await handle.truncate(bytes.length);
      await handle.chmod(0o600);
      await handle.sync();
    } catch (cause) {
      // The file system said the space was there and then refused it (a copy-on-write file
      // system, a quota counted differently): put the old bytes back, then report the failure.
      await writeAll(handle, old)
        .then(() => handle.truncate(old.length))
        .catch(() => undefined);
      throw cause;
    }
    return true;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, offset);
    // A regular file never takes zero bytes without an error; if one did, do not spin.
    if (bytesWritten === 0) throw Object.assign(new Error('write took no bytes'), { code: 'EIO' });
    offset += bytesWritten;
  }
}
