import { createHash } from 'node:crypto';
import {
  type AuthRecord,
  accessTokenExpiry,
  CodexOAuthError,
  ErrorCodes,
  explicitRefreshWindowMs,
  isRefreshDue,
  refresh,
  refreshWindowOf,
} from '@codex-oauth/core';
import type { CommandRun, Context } from '../context.js';
import { Exit, type ExitCode, reportFor } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { type Logger, logger } from '../ui/keep-fresh-log.js';

/** Longest sleep between two looks at auth.json (a sign-out or a Codex sign-in is seen by then). */
const CHECK_EVERY_MS = 30_000;
/** How long auth.json may be missing before it counts as a sign-out: `codex login` deletes it first. */
const SIGNED_OUT_GRACE_MS = 10_000;
/** Retries of a failed refresh wait 1 s, 2 s, 4 s, ... up to this. */
const MAX_BACKOFF_MS = 60_000;
/** Codex refreshes within 5 minutes of `exp`: a window that is not wider lets it go first. */
const CODEX_WINDOW_MS = 5 * 60_000;

// Failures that may pass (issuer down, network, a lock held for long): retried with backoff.
const TRANSIENT = new Set<string>([
  ErrorCodes.REFRESH_FAILED,
  ErrorCodes.NETWORK_ERROR,
  ErrorCodes.REQUEST_TIMEOUT,
  ErrorCodes.INVALID_RESPONSE,
  ErrorCodes.STORE_WRITE_FAILED,
  ErrorCodes.LOCK_TIMEOUT,
  ErrorCodes.LOCK_BUSY,
]);

/**
 * `codex-oauth keep-fresh [--once] [--json] [--refresh-window S] [--check-every S]`: keeps
 * auth.json refreshed ahead of Codex's 5-minute window for as long as it runs, so Codex processes
 * find fresh tokens and never spend the refresh token themselves.
 *
 * Ctrl-C or SIGTERM stop it cleanly (exit 0), after a refresh in flight is saved: stopping
 * between spending a refresh token and saving its answer would end the sign-in. Issuer outages
 * are retried with backoff; a damaged file, a rejected refresh or a Codex login we do not manage
 * stop it with the typed error (the file untouched); a sign-out elsewhere ends it with exit 1.
 */
export const keepFresh: CommandRun = async (ctx) => {
  const log = logger(ctx.out);
  try {
    return await run(ctx, log);
  } catch (error) {
    const report = reportFor(error);
    log({ event: 'error', code: report.code, message: report.message });
    if (!ctx.out.json) ctx.out.error(report);
    return report.exit;
  }
};

async function run(ctx: Context, log: Logger): Promise<ExitCode> {
  const { flags } = ctx;
  // The session calls get no signal: Ctrl-C must not cut a refresh between spend and save.
  const { signal: _unused, ...options } = await sessionOptions(ctx);
  const { store } = options;
  const windowMs = explicitRefreshWindowMs(options, ctx.env);
  const checkEveryMs = (flags.checkEverySec ?? CHECK_EVERY_MS / 1000) * 1000;
  const stop = stopSignal(ctx);
  const where = (store as { path?: unknown }).path;
  const path = typeof where === 'string' ? where : null;

  let record = await signedIn(await store.load());
  log({
    event: 'started',
    path,
    refreshWindowSeconds: windowMs === undefined ? null : windowMs / 1000,
    once: flags.once,
  });
  warnIfNarrow(log, record, windowMs);
  let seen = fingerprint(record);
  let failures = 0;
  for (;;) {
    let waitMs: number;
    try {
      if (isRefreshDue(record, new Date(), windowMs)) {
        let refreshed = false;
        await refresh({
          ...options,
          ...(windowMs !== undefined && { refreshWindowMs: windowMs }),
          onEvent: (event) => {
            if (event.type === 'refreshed') refreshed = true;
          },
        });
        record = await signedIn(await store.load());
        log({ event: refreshed ? 'refreshed' : 'adopted', expiresAt: iso(expiryOf(record)) });
        warnIfNarrow(log, record, windowMs);
      } else if (failures === 0) {
        log({
          event: 'fresh',
          expiresAt: iso(expiryOf(record)),
          refreshAt: iso(dueAt(record, windowMs)),
        });
      }
      seen = fingerprint(record);
      failures = 0;
      if (flags.once) return Exit.OK;
      waitMs = untilDue(record, windowMs, checkEveryMs);
      if (waitMs === 0) {
        // Due again right after a refresh: the window is wider than the tokens live. Never
        // hammer the issuer: one refresh per look at most.
        log({
          event: 'warning',
          message:
            'The new token is due at once: the refresh window is wider than the tokens live. ' +
            `Refreshing once every ${checkEveryMs / 1000} s; lower --refresh-window.`,
        });
        waitMs = checkEveryMs;
      }
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (flags.once || typeof code !== 'string' || !TRANSIENT.has(code)) throw error;
      failures++;
      waitMs = Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
      log({
        event: 'retry',
        code,
        message: reportFor(error).message,
        attempt: failures,
        retryInSeconds: waitMs / 1000,
      });
    }
    if (!(await sleep(waitMs, stop))) return stopped(log);
    // Look again: another process may have refreshed, signed in (Codex) or signed out.
    const next = await store.load();
    if (next === null) {
      const back = await awaitReturn(store, stop);
      if (back === 'stopped') return stopped(log);
      if (back === null) {
        log({
          event: 'signed_out',
          message:
            `${path ?? 'The store'} was removed (signed out by another process, e.g. codex logout): ` +
            'keep-fresh stops. Sign in again (codex-oauth login or codex login), then restart it.',
        });
        return Exit.NOT_SIGNED_IN;
      }
      record = await signedIn(back);
    } else {
      record = await signedIn(next);
    }
    if (fingerprint(record) !== seen) {
      seen = fingerprint(record);
      log({ event: 'adopted', expiresAt: iso(expiryOf(record)) });
      warnIfNarrow(log, record, windowMs);
    }
  }
}

/** A ChatGPT record to keep fresh, or the typed reason there is none. */
async function signedIn(record: AuthRecord | null): Promise<AuthRecord> {
  if (record === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      'Nothing is stored: sign in first (codex-oauth login), then start keep-fresh.',
    );
  }
  if (record.authMode !== 'chatgpt' || record.tokens === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      'The stored credentials are an API key, which never expires: there is nothing to keep fresh.',
    );
  }
  return record;
}

/** Polls a missing auth.json for {@link SIGNED_OUT_GRACE_MS}: a `codex login` deletes it first. */
async function awaitReturn(
  store: { load(): Promise<AuthRecord | null> },
  stop: AbortSignal,
): Promise<AuthRecord | null | 'stopped'> {
  const deadline = Date.now() + SIGNED_OUT_GRACE_MS;
  while (Date.now() < deadline) {
    if (!(await sleep(200, stop))) return 'stopped';
    const record = await store.load();
    if (record !== null) return record;
  }
  return null;
}

function stopped(log: Logger): ExitCode {
  log({ event: 'stopped' });
  return Exit.OK;
}

/** When the record falls due, by the same window the refresh uses. */
function dueAt(record: AuthRecord, windowMs: number | undefined): Date | null {
  const exp = expiryOf(record);
  const tokens = record.tokens;
  if (exp === null || tokens === null) return null;
  return new Date(exp.getTime() - refreshWindowOf(tokens.accessToken, windowMs));
}

function untilDue(record: AuthRecord, windowMs: number | undefined, checkEveryMs: number): number {
  const due = dueAt(record, windowMs);
  const left = due === null ? checkEveryMs : due.getTime() - Date.now();
  return Math.max(0, Math.min(left, checkEveryMs));
}

function warnIfNarrow(log: Logger, record: AuthRecord, windowMs: number | undefined): void {
  if (record.tokens === null || accessTokenExpiry(record.tokens.accessToken) === null) return;
  const window = refreshWindowOf(record.tokens.accessToken, windowMs);
  if (window > CODEX_WINDOW_MS) return;
  log({
    event: 'warning',
    message:
      `The refresh window is ${Math.round(window / 1000)} s, not wider than Codex's 5 minutes ` +
      '(these tokens live short, and the default is at most half their lifetime): Codex may ' +
      'refresh first. Set --refresh-window to more than 300 seconds.',
  });
}

function expiryOf(record: AuthRecord): Date | null {
  return record.tokens ? accessTokenExpiry(record.tokens.accessToken) : null;
}

function iso(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}

/** Which session this is, kept in memory only (a hash: never the token itself). */
function fingerprint(record: AuthRecord): string {
  return createHash('sha256')
    .update(record.tokens?.refreshToken ?? '')
    .digest('hex');
}

/** Aborted by Ctrl-C (the CLI's signal) or SIGTERM (systemd, launchd stopping the service). */
function stopSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  ctx.signal.addEventListener('abort', abort, { once: true });
  process.once('SIGTERM', abort);
  return controller.signal;
}

/** Sleeps `ms`; false when `stop` fired first. */
function sleep(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    stop.addEventListener('abort', onAbort, { once: true });
  });
}
