import { when } from './format.js';
import type { Output } from './output.js';

/** One thing `keep-fresh` reports. Holds no secret: dates, paths, codes and messages only. */
type KeepFreshEvent =
  | { event: 'started'; path: string | null; refreshWindowSeconds: number | null; once: boolean }
  | { event: 'fresh'; expiresAt: string | null; refreshAt: string | null }
  | { event: 'refreshed'; expiresAt: string | null }
  /** Another process (Codex, another of ours) refreshed or signed in; its tokens are kept. */
  | { event: 'adopted'; expiresAt: string | null }
  | { event: 'retry'; code: string; message: string; attempt: number; retryInSeconds: number }
  | { event: 'warning'; message: string }
  | { event: 'signed_out'; message: string }
  | { event: 'error'; code: string; message: string }
  | { event: 'stopped' };

/** Writes one {@link KeepFreshEvent}. */
export type Logger = (event: KeepFreshEvent) => void;

/**
 * The `keep-fresh` log: with `--json` one compact JSON line per event on stdout (`time` first),
 * for journald or a log shipper; else a short line for people on stderr. An `error` is printed
 * by the CLI's error report in human mode, so it is left out here.
 */
export function logger(out: Output): Logger {
  return (event) => {
    const time = new Date();
    if (out.json) {
      out.stdout(JSON.stringify({ time: time.toISOString(), ...event }));
      return;
    }
    const stamp = out.c.dim(time.toISOString().slice(11, 19));
    const text = describe(event);
    if (text === null) return;
    if (event.event === 'retry' || event.event === 'warning' || event.event === 'signed_out') {
      out.warn(`${stamp} ${text}`);
    } else if (event.event === 'refreshed' || event.event === 'adopted') {
      out.success(`${stamp} ${text}`);
    } else {
      out.line(`  ${stamp} ${text}`);
    }
  };
}

function describe(event: KeepFreshEvent): string | null {
  const expiry = (at: string | null) => (at ? ` It expires ${when(new Date(at))}.` : '');
  switch (event.event) {
    case 'started': {
      const window =
        event.refreshWindowSeconds === null
          ? 'the default window (10 minutes, at most half the token lifetime)'
          : `a ${event.refreshWindowSeconds}-second window`;
      const where = event.path ?? 'the store';
      return event.once
        ? `Checking ${where} once, with ${window}.`
        : `Keeping ${where} fresh with ${window}. Ctrl-C stops.`;
    }
    case 'fresh':
      return `The access token is fresh.${expiry(event.expiresAt)}${
        event.refreshAt ? ` Next refresh ${when(new Date(event.refreshAt))}.` : ''
      }`;
    case 'refreshed':
      return `Refreshed the access token.${expiry(event.expiresAt)}`;
    case 'adopted':
      return `Another process refreshed or signed in; using its tokens.${expiry(event.expiresAt)}`;
    case 'retry':
      return `Refresh failed (${event.code}); retry ${event.attempt} in ${event.retryInSeconds} s. ${event.message}`;
    case 'warning':
      return event.message;
    case 'signed_out':
      return event.message;
    case 'error':
      return null;
    case 'stopped':
      return 'Stopped.';
  }
}
