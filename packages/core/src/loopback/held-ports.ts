/**
 * The loopback ports this process's own callback servers hold or are binding right now.
 *
 * Codex's way of taking a busy 1455 over (`GET /cancel`) is right between programs: a newer
 * `codex login` replaces a forgotten one. Inside one program it is wrong: a web host signing two
 * people in at once would cancel the first person's sign-in with the second's. So a port held
 * here is never sent `/cancel`; the binder moves on to the fallback port, and with none left it
 * reports `CODEX_OAUTH_LOGIN_IN_PROGRESS` and leaves the running sign-in alone.
 *
 * JavaScript runs one task at a time, so claiming before `listen` is race-free within the process.
 */
const held = new Set<number>();

/** Claims `port` for a server of this process; false when one already holds it. `0` always works. */
export function claimPort(port: number): boolean {
  if (port === 0) return true;
  if (held.has(port)) return false;
  held.add(port);
  return true;
}

/** Gives `port` back, once its server has closed (or its bind failed). */
export function releasePort(port: number): void {
  held.delete(port);
}
