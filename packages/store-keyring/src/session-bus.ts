import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openBus } from './dbus-wire.js';

/** Where the D-Bus session bus is, as libdbus finds it, or why there is none. */
export type SessionBus =
  | { kind: 'socket'; address: string; path: string }
  | { kind: 'other'; address: string }
  | { kind: 'none'; reason: string };

/**
 * Finds the session bus the way libdbus (inside the keyring binding) does: the first address of
 * `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus` when that socket exists. Without either
 * libdbus would try X11 autolaunch, which headless machines do not have: report that instead.
 */
export function findSessionBus(env: Readonly<Record<string, string | undefined>>): SessionBus {
  const configured = env.DBUS_SESSION_BUS_ADDRESS?.trim();
  if (configured) {
    const first = configured.split(';')[0] ?? '';
    const params = new Map<string, string>();
    const [transport, rest = ''] = first.split(/:(.*)/s);
    for (const pair of rest.split(',')) {
      const [key, value] = pair.split(/=(.*)/s);
      if (key && value !== undefined) params.set(key, decodeURIComponent(value));
    }
    const path = params.get('path');
    const abstract = params.get('abstract');
    if (transport === 'unix' && path !== undefined) return { kind: 'socket', address: first, path };
    if (transport === 'unix' && abstract !== undefined) {
      return { kind: 'socket', address: first, path: `\0${abstract}` };
    }
    return { kind: 'other', address: first };
  }
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && existsSync(join(runtime, 'bus'))) {
    const path = join(runtime, 'bus');
    return { kind: 'socket', address: `unix:path=${path}`, path };
  }
  return {
    kind: 'none',
    reason:
      'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does ' +
      'not exist (a desktop session, or `dbus-run-session`, provides one)',
  };
}

/**
 * Checks that the bus daemon answers, within `timeoutMs`, by connecting, authenticating and
 * saying Hello, then hanging up. Why: the keyring binding connects synchronously on the main
 * thread, with no timeout for the handshake, so a bus that accepts connections and never answers
 * (a stopped daemon) would freeze the process. Resolves `null` when the bus answered, else the
 * reason.
 */
export async function probeSessionBus(path: string, timeoutMs: number): Promise<string | null> {
  try {
    (await openBus(path, timeoutMs)).close();
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return `the D-Bus session bus cannot be reached (${code})`;
    if ((error as Error).message === 'timeout') {
      return `the D-Bus session bus did not answer within ${timeoutMs} ms`;
    }
    return `the D-Bus session bus refused this user (${(error as Error).message})`;
  }
}
