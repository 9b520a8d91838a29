import { dirname, join } from 'node:path';
import type { AuthRecord } from '../model/auth-record.js';
import { storedRefreshToken, type TokenStore } from '../store/token-store.js';

/**
 * Remembers refresh tokens the issuer refused for good (`CODEX_OAUTH_REFRESH_REJECTED`), so that
 * `status()` can say the session has ended instead of "signed in" until the next request fails.
 *
 * Never in `auth.json` itself (Codex owns that file's keys): in
 * `$CODEX_HOME/codex-oauth/refused-refresh.json`, one small file per CODEX_HOME, holding the
 * SHA-256 of each refused refresh token (never the token). A refusal applies only while the store
 * still holds the token it names, so any new sign-in, ours or Codex's own rewrite of `auth.json`,
 * clears it without anyone deleting anything. Stores that live in no CODEX_HOME (memory, Redis,
 * a custom store without `path`) remember it in this process only, on the store object.
 */

/** The file, relative to CODEX_HOME. */
const REFUSAL_FILE = join('codex-oauth', 'refused-refresh.json');

/** At most this many refusals are kept (one per account of a CODEX_HOME is the usual case). */
const MAX_ENTRIES = 16;

/** A refresh the issuer refused for good, as `status()` reports it. Holds no secret. */
export interface RefreshRefusal {
  /** When the refusal was seen. */
  readonly at: Date;
  /** The issuer's `error` (`refresh_token_expired`, `refresh_token_reused`, ...), or `null` (a bare 401). */
  readonly error: string | null;
  /** The error message that reported it. */
  readonly message: string;
}

interface Entry {
  /** SHA-256 (hex) of the refused refresh token. */
  refreshTokenSha256: string;
  accountId: string | null;
  error: string | null;
  message: string;
  at: string;
}

interface RefusalFile {
  version: 1;
  refused: Entry[];
}

// Stores without a CODEX_HOME: token hash → entry, for as long as the store object lives.
const inProcess = new WeakMap<TokenStore, Map<string, Entry>>();

/**
 * The CODEX_HOME a store lives in: `codexHome` (store-file and store-keyring declare it), else
 * the folder of its `path`; `null` for stores that keep nothing on this machine's disk.
 */
function homeOf(store: TokenStore): string | null {
  const home = (store as { codexHome?: unknown }).codexHome;
  if (typeof home === 'string' && home !== '') return home;
  if (typeof store.path === 'string' && store.path !== '') return dirname(store.path);
  return null;
}

/** Where `store`'s refusals are kept on disk, or `null` when they are kept in this process. */
function refusalFileOf(store: TokenStore): string | null {
  const home = homeOf(store);
  return home === null ? null : join(home, REFUSAL_FILE);
}

function readFile(path: string): RefusalFile | null {
  let text: string;
  try {
    // Sync on purpose: `status` runs this at start-up, where node:fs/promises costs more than a
    // missing file's ENOENT. The file is a few hundred bytes. node:fs is taken, not imported: its
    // ES view would load the streams stack (store-file's node-fs.ts says why).
    text = process.getBuiltinModule('node:fs').readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RefusalFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.refused)) return null;
    return { version: 1, refused: parsed.refused.filter(isEntry) };
  } catch {
    // Ours and only advisory: an unreadable one is as good as none (the next refusal rewrites it).
    return null;
  }
}

function isEntry(value: unknown): value is Entry {
  const e = value as Partial<Entry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.refreshTokenSha256 === 'string' &&
    typeof e.message === 'string' &&
    typeof e.at === 'string'
  );
}

async function sha256(text: string): Promise<string> {
  // Loaded only when there is a refusal to compare with: status's start-up never pays for it.
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

function toRefusal(entry: Entry): RefreshRefusal {
  const at = new Date(entry.at);
  return {
    at: Number.isNaN(at.getTime()) ? new Date(0) : at,
    error: entry.error ?? null,
    message: entry.message,
  };
}

/**
 * The remembered refusal of the refresh token `record` holds, or `null`: none remembered, or the
 * store holds another token by now (a new sign-in cleared it).
 */
export async function refusalOf(
  store: TokenStore,
  record: AuthRecord | null,
): Promise<RefreshRefusal | null> {
  const token = storedRefreshToken(record);
  if (token === null) return null;
  const path = refusalFileOf(store);
  if (path === null) {
    const entries = inProcess.get(store);
    if (entries === undefined) return null;
    const entry = entries.get(await sha256(token));
    return entry ? toRefusal(entry) : null;
  }
  const file = readFile(path);
  if (file === null || file.refused.length === 0) return null;
  const hash = await sha256(token);
  const entry = file.refused.find((e) => e.refreshTokenSha256 === hash);
  return entry ? toRefusal(entry) : null;
}

/**
 * Records that `refreshToken` (the one `store` held) was refused for good. Best effort: a
 * refusal that cannot be written is only not remembered; the refusal itself is still thrown.
 */
export async function rememberRefusal(
  store: TokenStore,
  refreshToken: string,
  details: { accountId: string | null; error: string | null; message: string },
): Promise<void> {
  const entry: Entry = {
    refreshTokenSha256: await sha256(refreshToken),
    accountId: details.accountId,
    error: details.error,
    message: details.message,
    at: new Date().toISOString(),
  };
  const path = refusalFileOf(store);
  if (path === null) {
    let entries = inProcess.get(store);
    if (entries === undefined) {
      entries = new Map();
      inProcess.set(store, entries);
    }
    entries.set(entry.refreshTokenSha256, entry);
    return;
  }
  const { mkdir, rename, unlink, writeFile } = await import('node:fs/promises');
  // Written aside and renamed, so a reader sees the old list or the new one.
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const kept = (readFile(path)?.refused ?? []).filter(
      (e) => e.refreshTokenSha256 !== entry.refreshTokenSha256,
    );
    const file: RefusalFile = {
      version: 1,
      refused: [...kept, entry].slice(-MAX_ENTRIES),
    };
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch {
    // Best effort (a read-only or full CODEX_HOME): the refusal is still reported to the caller.
    // On a full disk the temp file was created before its write failed: do not leave it behind.
    await unlink(temp).catch(() => undefined);
  }
}
