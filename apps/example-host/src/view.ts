import { status } from '@codex-oauth/core';
import type { CodexConnection } from './codex-panel.js';
import type { HostStorage } from './config.js';
import type { HostSession, ShownError } from './sessions.js';
import { type HostContext, shownError, storeOf } from './sign-in.js';

/** The signed-in account as the page shows it: public facts only, never a token. */
interface AccountView {
  email: string | null;
  planType: string | null;
  accountId: string | null;
  expiresAt: string | null;
}

/** A running sign-in as the page shows it. */
type PendingView =
  | { flow: 'browser'; authorizeUrl: string; redirectUri: string; progress: string | null }
  | {
      flow: 'device';
      verificationUrl: string;
      userCode: string;
      expiresAt: string | null;
      progress: string | null;
    };

/** Everything the page renders, sent by `GET /api/status` and every SSE `view` event. */
export interface PageView {
  issuer: string;
  storage: HostStorage;
  /** `auth.json` when the session uses file storage. */
  authFile: string | null;
  codexHome: string;
  /** True when Redis is configured: the page offers the shared storage. */
  redis: boolean;
  signedIn: boolean;
  account: AccountView | null;
  pending: PendingView | null;
  error: ShownError | null;
  /** A sentence about what just happened (a cancelled sign-in, a storage switch). */
  notice: string | null;
  codex: CodexConnection;
}

/** Builds the session's view; `status()` reads the store without any network request. */
export async function viewOf(ctx: HostContext, session: HostSession): Promise<PageView> {
  let account: AccountView | null = null;
  let authFile: string | null = null;
  let error = session.error;
  try {
    const now = await status({ issuer: ctx.config.issuer, store: storeOf(ctx, session) });
    authFile = now.path ?? null;
    if (now.authenticated) {
      account = {
        email: now.email,
        planType: now.planType,
        accountId: now.accountId,
        expiresAt: now.expiresAt?.toISOString() ?? null,
      };
    }
  } catch (cause) {
    error ??= shownError(cause);
  }
  return {
    issuer: ctx.config.issuer,
    storage: session.storage,
    authFile: session.storage === 'file' ? authFile : null,
    codexHome: ctx.config.codexHome,
    redis: session.shared !== null,
    signedIn: account !== null,
    account,
    pending: pendingView(session),
    error,
    notice: session.notice,
    codex: session.codex,
  };
}

function pendingView(session: HostSession): PendingView | null {
  const pending = session.pending;
  if (pending === null) return null;
  if (pending.flow === 'browser_code') {
    return {
      flow: 'browser',
      authorizeUrl: pending.authorizeUrl,
      redirectUri: pending.redirectUri,
      progress: session.progress,
    };
  }
  return {
    flow: 'device',
    verificationUrl: pending.verificationUrl,
    userCode: pending.userCode,
    expiresAt: pending.expiresAt?.toISOString() ?? null,
    progress: session.progress,
  };
}
