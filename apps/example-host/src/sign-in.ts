import {
  awaitLogin,
  beginLogin,
  CodexOAuthError,
  cancelLogin,
  logout,
  type SuccessPage,
  submitRedirect,
  type TokenStore,
} from '@codex-oauth/core';
import { memoryStore } from '@codex-oauth/store-memory';
import { disconnectCodex } from './codex-panel.js';
import type { HostConfig, HostStorage } from './config.js';
import { changed, type HostSession, type ShownError } from './sessions.js';

/** What every action needs: the configuration and the one `auth.json` store of this host. */
export interface HostContext {
  readonly config: HostConfig;
  /** This host's own address (`http://127.0.0.1:PORT`), known once it listens. */
  url: string;
  /** Shared by every session that chose file storage: there is one `auth.json`. */
  readonly fileStore: TokenStore;
  /** With Redis: makes a session's Redis store again after sign-out disposed it. */
  readonly renewShared?: (session: HostSession) => void;
}

/** The store the session's tokens live in right now. */
export function storeOf(ctx: HostContext, session: HostSession): TokenStore {
  if (session.storage === 'redis' && session.shared) return session.shared;
  return session.storage === 'file' ? ctx.fileStore : session.memory;
}

/**
 * Starts a sign-in for the session and lets it finish in the background: the page learns the
 * outcome over its event stream. A sign-in already running is cancelled first (it holds the
 * loopback port).
 */
export async function startSignIn(
  ctx: HostContext,
  session: HostSession,
  flow: 'browser' | 'device',
): Promise<void> {
  await cancelSignIn(session);
  session.error = null;
  session.notice = null;
  session.progress = null;
  const pending = await beginLogin({
    issuer: ctx.config.issuer,
    store: storeOf(ctx, session),
    flow,
    interactive: true,
    port: ctx.config.loginPort,
    // Several people may sign in at once: core never cancels this process's own sign-ins (the
    // second takes 1457). `false` also leaves a `codex login` in the person's terminal alone.
    takeOverPort: false,
    ...successPageOf(ctx),
    onEvent: (event) => {
      // Only the event's name is kept: `url_ready` and `user_code_ready` carry nothing secret,
      // but the page gets those facts from the pending login itself.
      if (session.pending === pending) {
        session.progress = event.type;
        changed(session);
      }
    },
  });
  session.pending = pending;
  changed(session);
  awaitLogin(pending).then(
    () => finished(session, pending, null),
    (error: unknown) => finished(session, pending, shownError(error)),
  );
}

/** The tab's page after a browser sign-in: back to this host, this host's words, or Codex's. */
function successPageOf(ctx: HostContext): { successPage?: SuccessPage } {
  switch (ctx.config.successPage ?? 'redirect') {
    case 'redirect':
      return { successPage: { redirect: `${ctx.url}/signed-in` } };
    case 'message':
      return {
        successPage: {
          title: 'Signed in to the example host',
          message: 'You can close this tab: the example host page has updated by itself.',
        },
      };
    default:
      return {};
  }
}

function finished(
  session: HostSession,
  pending: HostSession['pending'],
  error: ShownError | null,
): void {
  // A sign-in replaced or cancelled meanwhile is not news.
  if (session.pending !== pending) return;
  session.pending = null;
  session.progress = null;
  session.error = error;
  changed(session);
}

/**
 * Finishes the session's browser sign-in with the address its tab landed on, pasted by the person
 * (the browser is on another machine than this host, so the redirect to the loopback port cannot
 * load there). A paste that is not used throws core's `CODEX_OAUTH_REDIRECT_REJECTED`, which the
 * route shows; the sign-in stays open for another paste.
 */
export async function submitPastedRedirect(session: HostSession, pasted: string): Promise<void> {
  const pending = session.pending;
  if (pending === null || pending.flow !== 'browser_code') return;
  session.error = null;
  changed(session);
  await submitRedirect(pending, pasted);
}

/** The person's "Cancel": ends the sign-in and says so on the page. */
export async function cancelByPerson(session: HostSession): Promise<void> {
  const pending = session.pending;
  if (pending === null) return;
  await cancelSignIn(session);
  session.error = null;
  session.notice =
    pending.flow === 'device_code'
      ? `Sign-in cancelled: the code ${pending.userCode} no longer works.`
      : 'Sign-in cancelled: the sign-in link no longer works.';
  changed(session);
}

/** Cancels the session's running sign-in, freeing its loopback port. */
export async function cancelSignIn(session: HostSession): Promise<void> {
  const pending = session.pending;
  if (pending === null) return;
  session.pending = null;
  session.progress = null;
  await cancelLogin(pending).catch(() => {});
  changed(session);
}

/**
 * Signs out: revokes the refresh token at the issuer (best effort), clears the store, stops the
 * app-server bridge. Core stops a memory store on logout, so the session gets a fresh one.
 */
export async function signOut(ctx: HostContext, session: HostSession): Promise<void> {
  await cancelSignIn(session);
  disconnectCodex(session, 'Signed out: Codex was disconnected.');
  session.error = null;
  session.notice = null;
  try {
    await logout({ issuer: ctx.config.issuer, store: storeOf(ctx, session) });
  } finally {
    if (session.memory.stopped) session.memory = memoryStore();
    if (session.storage === 'redis') ctx.renewShared?.(session);
    changed(session);
  }
}

/** Switches where the session's tokens live; a running sign-in and Codex are stopped. */
export async function switchStorage(session: HostSession, storage: HostStorage): Promise<void> {
  if (session.storage === storage) return;
  await cancelSignIn(session);
  disconnectCodex(session, 'Storage switched: Codex was disconnected.');
  session.storage = storage;
  session.error = null;
  session.notice = `Storage switched to ${storage}: this page now shows what that store holds.`;
  changed(session);
}

/**
 * The code and message of an error, for the page. Core's messages never quote a secret; anything
 * else is replaced by a generic line so a stray message cannot leak one.
 */
export function shownError(error: unknown): ShownError {
  if (error instanceof CodexOAuthError) return { code: error.code, message: error.message };
  return { code: 'EXAMPLE_HOST_ERROR', message: 'Something went wrong; see the server log.' };
}
