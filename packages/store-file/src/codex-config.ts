import { join } from 'node:path';
import { parse as parseSmolToml } from 'smol-toml';
import { CONFIG_FILE } from './codex-home.js';
import { fs } from './node-fs.js';

/** Codex's `cli_auth_credentials_store` values. */
export type CredentialsStoreMode = 'file' | 'keyring' | 'auto' | 'ephemeral';

/** What codex-oauth needs from `$CODEX_HOME/config.toml`. */
export interface CodexConfig {
  /** `cli_auth_credentials_store`; `'file'` when absent (Codex's default). */
  credentialsStore: CredentialsStoreMode;
  /** `forced_chatgpt_workspace_id` as a list (Codex accepts a string or a list); `null` when unset. */
  forcedWorkspaceIds: string[] | null;
  /** `forced_login_method`; `null` when unset. */
  forcedLoginMethod: 'chatgpt' | 'api' | null;
  /** Things the user should know: a keyring store, a file that does not parse, a bad value. */
  warnings: string[];
  /** The file read (it may not exist). */
  path: string;
}

const STORES: readonly string[] = ['file', 'keyring', 'auto', 'ephemeral'];

/**
 * Reads the settings of `$CODEX_HOME/config.toml` that affect sign-in, with a TOML parser. A
 * missing file means defaults; a file that does not parse, or a value Codex would not accept, is
 * a warning and the default (Codex itself would refuse to start: the user has to fix it anyway).
 * Synchronous because `TokenStore.describe()` is; the file is small.
 *
 * @example
 * ```ts
 * const { forcedWorkspaceIds, warnings } = readCodexConfig(codexHome);
 * ```
 */
export function readCodexConfig(codexHome: string): CodexConfig {
  const path = join(codexHome, CONFIG_FILE);
  const config = defaults(path);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      config.warnings.push(`${path} could not be read (${code}); using Codex's defaults.`);
    }
    return config;
  }
  let table: Record<string, unknown>;
  try {
    table = parseToml(text);
  } catch (err) {
    const line = (err as { line?: number }).line;
    config.warnings.push(
      `${path} is not valid TOML${line ? ` (line ${line})` : ''}; using Codex's defaults. ` +
        'Codex will refuse to start until it is fixed.',
    );
    return config;
  }
  readStore(table.cli_auth_credentials_store, config);
  readWorkspaces(table.forced_chatgpt_workspace_id, config);
  readMethod(table.forced_login_method, config);
  return config;
}

/**
 * A {@link readCodexConfig} that parses `config.toml` again only when the file changed (inode,
 * size or mtime differ): a store reads it for `describe()` and again for `config()`, often in the
 * same call, and a long-running host asks on every `status()`. Each call returns its own copy.
 *
 * @example
 * ```ts
 * const config = codexConfigReader(codexHome);
 * config().warnings; // parsed once
 * config().forcedWorkspaceIds; // a stat, no parse
 * ```
 */
export function codexConfigReader(codexHome: string): () => CodexConfig {
  const path = join(codexHome, CONFIG_FILE);
  let last: { stamp: string; config: CodexConfig } | undefined;
  return () => {
    const stamp = fileStamp(path);
    if (stamp === undefined || last?.stamp !== stamp) {
      // An absent file is the defaults, without reading it (which would throw ENOENT).
      const config = stamp === 'absent' ? defaults(path) : readCodexConfig(codexHome);
      last = stamp === undefined ? undefined : { stamp, config };
      return copy(config);
    }
    return copy(last.config);
  };
}

/**
 * smol-toml's `parse`. smol-toml is bundled into `dist/index.js` when store-file is built (it is a
 * build-time dependency, its BSD-3-Clause notice kept in the bundle): one file to load instead of
 * its nine ES modules (~7 ms of start-up, bench/trade-offs.md), and no extra package to install
 * (bench/README.md, "Install footprint"). The parser only ever reads the user's own config.toml.
 */
function parseToml(text: string): Record<string, unknown> {
  return parseSmolToml(text) as Record<string, unknown>;
}

/** `absent`, an identity of the file's current version, or `undefined` when it cannot be told. */
function fileStamp(path: string): string | undefined {
  try {
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    return stat === undefined ? 'absent' : `${stat.ino}:${stat.size}:${Math.trunc(stat.mtimeMs)}`;
  } catch {
    return undefined;
  }
}

function defaults(path: string): CodexConfig {
  return {
    credentialsStore: 'file',
    forcedWorkspaceIds: null,
    forcedLoginMethod: null,
    warnings: [],
    path,
  };
}

function copy(config: CodexConfig): CodexConfig {
  return {
    ...config,
    forcedWorkspaceIds: config.forcedWorkspaceIds && [...config.forcedWorkspaceIds],
    warnings: [...config.warnings],
  };
}

function readStore(value: unknown, config: CodexConfig): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !STORES.includes(value)) {
    config.warnings.push(
      `${config.path}: cli_auth_credentials_store must be "file", "keyring", "auto" or ` +
        '"ephemeral"; ignored.',
    );
    return;
  }
  config.credentialsStore = value as CredentialsStoreMode;
  if (value === 'keyring' || value === 'ephemeral') {
    config.warnings.push(
      `${config.path} sets cli_auth_credentials_store = "${value}": the Codex CLI will not read ` +
        'the auth.json codex-oauth writes (and deletes it when it saves). Set ' +
        'cli_auth_credentials_store = "file" to share the sign-in with Codex.',
    );
  } else if (value === 'auto') {
    config.warnings.push(
      `${config.path} sets cli_auth_credentials_store = "auto": the Codex CLI reads the OS ` +
        'keyring first and uses auth.json only when the keyring has nothing, so it may use other ' +
        'credentials than codex-oauth. Set cli_auth_credentials_store = "file" to share one sign-in.',
    );
  }
}

function readWorkspaces(value: unknown, config: CodexConfig): void {
  if (value === undefined) return;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((id) => typeof id === 'string')) {
    config.warnings.push(
      `${config.path}: forced_chatgpt_workspace_id must be a string or a list of strings; ignored.`,
    );
    return;
  }
  const ids = list.map((id) => id.trim()).filter((id) => id !== '');
  config.forcedWorkspaceIds = ids.length > 0 ? ids : null;
}

function readMethod(value: unknown, config: CodexConfig): void {
  if (value === undefined) return;
  if (value !== 'chatgpt' && value !== 'api') {
    config.warnings.push(
      `${config.path}: forced_login_method must be "chatgpt" or "api"; ignored.`,
    );
    return;
  }
  config.forcedLoginMethod = value;
}
