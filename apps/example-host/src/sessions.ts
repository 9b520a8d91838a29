import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PendingLogin, TokenStore } from '@codex-oauth/core';
import { type MemoryStore, memoryStore } from '@codex-oauth/store-memory';
import type { CodexConnection } from './codex-panel.js';
import type { HostStorage } from './config.js';

/** A failure shown on the page: a stable code and a message that never quotes a secret. */
export interface ShownError {
  code: string;
  message: string;
}

/** One browser (one cookie): its storage choice, its in-memory tokens and what it is doing. */
export interface HostSession {
  readonly id: string;
  storage: HostStorage;
  /** This browser's tokens when `storage` is `memory`; replaced after sign-out stops it. */
  memory: MemoryStore;
  /** With Redis configured: this browser's tokens in Redis, seen by every instance. */
  shared: TokenStore | null;
  /** The sign-in in progress, if any. */
  pending: PendingLogin | null;
  /** The last progress event of that sign-in (`waiting`, `callback_received`, `exchanging`…). */
  progress: string | null;
  error: ShownError | null;
  /** What just happened that the page should say (a cancelled sign-in, a storage switch). */
  notice: string | null;
  codex: CodexConnection;
  /** Called after every change, to push the new view to the page (SSE). */
  readonly listeners: Set<() => void>;
}

const COOKIE = 'example_host_sid';

/**
 * The sessions of one host, keyed by an unguessable cookie (`HttpOnly`, `SameSite=Strict`).
 * Tokens never leave the server: the cookie only names the session.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, HostSession>();

  /**
   * `sharedStore`, when given, makes the store of a session that every instance of the host sees
   * (Redis): a cookie minted by another instance then names a session this one adopts.
   */
  constructor(
    readonly defaultStorage: HostStorage,
    readonly sharedStore?: (key: string) => TokenStore,
  ) {}

  /** The request's session, or a new one whose cookie is set on `res`. */
  sessionFor(req: IncomingMessage, res: ServerResponse): HostSession {
    const id = readCookie(req.headers.cookie, COOKIE);
    const known = id === undefined ? undefined : this.#sessions.get(id);
    if (known) return known;
    // Only the shape of an id this host mints is adopted (24 random bytes, base64url).
    const adopted = this.sharedStore && id !== undefined && /^[\w-]{32}$/.test(id) ? id : null;
    const sessionId = adopted ?? randomBytes(24).toString('base64url');
    const session: HostSession = {
      id: sessionId,
      storage: this.defaultStorage,
      memory: memoryStore(),
      shared: null,
      pending: null,
      progress: null,
      error: null,
      notice: null,
      codex: { state: 'idle', message: null, account: null },
      listeners: new Set(),
    };
    this.renewShared(session);
    this.#sessions.set(session.id, session);
    if (!adopted) {
      res.setHeader('Set-Cookie', `${COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/`);
    }
    return session;
  }

  /**
   * (Re)makes the session's shared store, after sign-out disposed the old one; a change made by
   * any instance (a sign-in, a refresh, a sign-out) updates this instance's open pages.
   */
  renewShared(session: HostSession): void {
    if (!this.sharedStore) return;
    session.shared = this.sharedStore(`example-host:session:${session.id}`);
    session.shared.watch?.(() => changed(session));
  }

  /** Every session, for shutdown. */
  all(): HostSession[] {
    return [...this.#sessions.values()];
  }
}

/** Tells the session's open pages that something changed. */
export function changed(session: HostSession): void {
  for (const listener of session.listeners) listener();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
