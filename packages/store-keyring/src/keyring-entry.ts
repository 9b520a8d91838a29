import { CodexOAuthError, type ErrorCode, ErrorCodes } from '@codex-oauth/core/model';
import type { AsyncEntry } from '@napi-rs/keyring';
import { matchCodexAttributes } from './codex-attributes.js';
import { findSessionBus, probeSessionBus } from './session-bus.js';

/** Default upper bound of one keyring call (the binding's own D-Bus calls give up after 2 s). */
export const KEYRING_TIMEOUT_MS = 5_000;

/** Where one secret lives in the OS keyring. */
export interface KeyringEntryOptions {
  service: string;
  account: string;
  /** Longest wait for one call; default {@link KEYRING_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Read for `DBUS_SESSION_BUS_ADDRESS` / `XDG_RUNTIME_DIR` (Linux); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One secret string in the OS keyring: get, set, delete, each bounded by a timeout. */
export interface KeyringEntry {
  get(): Promise<string | null>;
  set(value: string): Promise<void>;
  /** True when something was deleted. */
  delete(): Promise<boolean>;
  /**
   * Linux: gives a new item Codex's attribute set (see `matchCodexAttributes`); best effort,
   * resolves whether it did. Elsewhere a no-op.
   */
  matchCodex(): Promise<boolean>;
  /** For messages: `Secret Service item "Codex Auth" / cli|…` and the like. */
  readonly location: string;
}

/**
 * The entry `service` / `account` in the OS keyring, through `@napi-rs/keyring` (keyring-rs, the
 * crate Codex uses). On Linux the entry is pinned to the Secret Service: unpinned, the binding
 * falls back to the kernel keyring when no D-Bus provider answers, and "succeeds" writing
 * somewhere Codex never looks and that outlives the session. The entry uses target `default`, so
 * a new item carries `target=default` as Codex's do. macOS and Windows use the platform keychain
 * with the same service and account (code path shared, not tested here).
 *
 * Every call is bounded by `timeoutMs` and fails with a typed error: `CODEX_OAUTH_KEYRING_UNAVAILABLE`
 * (no bus, no Secret Service, no answer in time, binding missing), `CODEX_OAUTH_KEYRING_LOCKED`
 * (locked and no one to answer the unlock prompt), `CODEX_OAUTH_STORE_CORRUPT` (ambiguous items).
 */
export function keyringEntry(options: KeyringEntryOptions): KeyringEntry {
  const timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
  const env = options.env ?? process.env;
  const location =
    process.platform === 'linux'
      ? `Secret Service item "${options.service}" / ${options.account}`
      : `${process.platform === 'darwin' ? 'Keychain' : 'Credential Manager'} item "${options.service}" / ${options.account}`;
  let cached: AsyncEntry | undefined;

  const entry = async (): Promise<AsyncEntry> => {
    if (cached) return cached;
    if (process.platform === 'linux') await checkBus(env, timeoutMs);
    const { AsyncEntry } = await loadBinding();
    // The constructor connects to D-Bus synchronously (bounded by the probe above and the
    // binding's own 2 s reply timeout).
    cached =
      process.platform === 'linux'
        ? AsyncEntry.withTarget('default', options.service, options.account, {
            linux: { store: 'secret-service' },
          })
        : new AsyncEntry(options.service, options.account);
    return cached;
  };

  const call = async <T>(what: string, fn: (e: AsyncEntry, s: AbortSignal) => Promise<T>) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(unavailable(`the keyring did not answer within ${timeoutMs} ms`, location));
      }, timeoutMs);
    });
    try {
      return await Promise.race([entry().then((e) => fn(e, controller.signal)), timeout]);
    } catch (error) {
      // A fresh connection next time: the bus or the daemon may have been restarted.
      cached = undefined;
      throw classify(error, what, location);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    location,
    get: () => call('read', (e, signal) => e.getPassword(signal)),
    set: (value) => call('write', (e, signal) => e.setPassword(value, signal)),
    delete: () => call('delete', (e, signal) => e.deletePassword(signal)),
    async matchCodex() {
      const bus = process.platform === 'linux' ? findSessionBus(env) : undefined;
      if (bus?.kind !== 'socket') return false;
      return matchCodexAttributes(bus.path, options.service, options.account, timeoutMs);
    },
  };
}

async function checkBus(
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<void> {
  const bus = findSessionBus(env);
  if (bus.kind === 'none') throw unavailable(bus.reason);
  // The binding reads the process environment, so an `env` option must reach it too.
  if (process.env.DBUS_SESSION_BUS_ADDRESS !== bus.address) {
    process.env.DBUS_SESSION_BUS_ADDRESS = bus.address;
  }
  if (bus.kind === 'socket') {
    const problem = await probeSessionBus(bus.path, timeoutMs);
    if (problem !== null) throw unavailable(problem);
  }
}

let binding: Promise<typeof import('@napi-rs/keyring')> | undefined;

function loadBinding(): Promise<typeof import('@napi-rs/keyring')> {
  binding ??= import('@napi-rs/keyring').catch((cause: unknown) => {
    binding = undefined;
    throw new CodexOAuthError(
      ErrorCodes.KEYRING_UNAVAILABLE,
      `The keyring binding @napi-rs/keyring has no build for ${process.platform}-${process.arch} ` +
        'here. Reinstall @codex-oauth/store-keyring, or use storage "file".',
      { cause },
    );
  });
  return binding;
}

function unavailable(reason: string, location?: string): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.KEYRING_UNAVAILABLE,
    `The OS keyring cannot be used${location ? ` (${location})` : ''}: ${reason}. Start a ` +
      'Secret Service (gnome-keyring, KeePassXC) in a D-Bus session, or set ' +
      'cli_auth_credentials_store = "file" in config.toml (or use storage "file").',
  );
}

/** Turns a binding error into a typed one; its text (never a secret) is kept as the reason. */
function classify(error: unknown, what: string, location: string): Error {
  if (error instanceof CodexOAuthError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const reason = text.split('\n')[0]?.slice(0, 240) ?? '';
  const fail = (code: ErrorCode, message: string) =>
    new CodexOAuthError(code, message, { cause: error });
  if (/prompt (was )?dismissed|is locked|locked collection/i.test(text)) {
    return fail(
      ErrorCodes.KEYRING_LOCKED,
      `The OS keyring is locked (${location}) and no unlock prompt can be answered here. Unlock ` +
        'it (log in to the desktop, or `gnome-keyring-daemon --unlock`), or use storage "file".',
    );
  }
  if (/ambiguous|more than one/i.test(text)) {
    return fail(
      ErrorCodes.STORE_CORRUPT,
      `More than one keyring item matches ${location}; codex-oauth left them untouched. Remove ` +
        'the extra ones (for example with `secret-tool` or Seahorse), then try again.',
    );
  }
  if (/ServiceUnknown|org\.freedesktop\.secrets|no secret service/i.test(text)) {
    return unavailable(
      'no Secret Service (org.freedesktop.secrets) is running on the D-Bus session bus',
      location,
    );
  }
  if (/did not receive a reply|timeout|timed out/i.test(text)) {
    return unavailable(
      `the Secret Service did not answer the ${what} in time (${reason})`,
      location,
    );
  }
  return unavailable(`the ${what} failed (${reason})`, location);
}
