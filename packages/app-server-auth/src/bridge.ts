import type { Readable, Writable } from 'node:stream';
import { type AuthRecord, CodexOAuthError, ErrorCodes, type TokenStore } from '@codex-oauth/core';
import {
  type AppServerAuthEvents,
  type AppServerAuthListener,
  BridgeEmitter,
} from './bridge-events.js';
import { externalTokensFromRecord } from './external-tokens.js';
import { JsonRpcConnection } from './json-rpc.js';
import {
  type AccountReadResult,
  type ClientInfo,
  CODEX_REFRESH_LIMIT_MS,
  type ExternalAuthTokens,
  type LoginCompletedNotification,
  AppServerMethods as M,
  type TokensRefreshParams,
} from './protocol.js';
import { type AppServerReady, awaitAppServerReady } from './ready-signal.js';
import { answerRefresh, type RefreshCallback } from './refresh-responder.js';

/** An app-server to talk to: a connection you own, or the stdio of a `codex app-server` child. */
export type AppServerTransport =
  | JsonRpcConnection
  | { stdin: Writable | null; stdout: Readable | null };

/** Options of {@link connectAppServerAuth}. */
export interface AppServerAuthOptions {
  /** The app-server: a `ChildProcess` (`spawn('codex', ['app-server'])`), its streams, or a connection. */
  appServer: AppServerTransport;
  /** Where the tokens live; its `watch` (if any) drives re-sending. Usually `memoryStore()`. */
  store: TokenStore;
  /** Gets new tokens when Codex asks (see {@link RefreshCallback}). */
  refresh: RefreshCallback;
  /** `clientInfo` of `initialize`; Codex builds its User-Agent from it. */
  clientInfo?: ClientInfo;
  /** Send `initialize` + `initialized` first. Default `true`; pass `false` if you already did (with `experimentalApi`). */
  initialize?: boolean;
  /** Timeout of our own requests. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Bound on one refresh; must stay under Codex's 10 s limit. Default 8 000 ms. */
  refreshTimeoutMs?: number;
}

/** A live bridge between a token store and one app-server. */
export interface AppServerAuthBridge {
  /** The JSON-RPC connection, for the host's own requests. */
  readonly connection: JsonRpcConnection;
  /** Codex's verdict on the tokens sent at connect: the first `account/login/completed`. */
  readonly login: Promise<LoginCompletedNotification>;
  /**
   * Codex is ready to serve the account: 0.171's `account/updated` reason `workspaceRoutingReady`
   * where it sends one, else the login verdict (see {@link awaitAppServerReady}). Never rejects.
   */
  readonly ready: Promise<AppServerReady>;
  /** `account/read`: which account Codex now uses (waits behind Codex's workspace discovery). */
  accountRead(): Promise<AccountReadResult>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof AppServerAuthEvents>(event: K, listener: AppServerAuthListener<K>): () => void;
  /** Stops forwarding and answering. Closes the connection only if the bridge made it. */
  close(): void;
}

/** The `clientInfo` sent when none is given. */
export const DEFAULT_CLIENT_INFO: ClientInfo = {
  name: 'codex_oauth',
  title: 'codex-oauth',
  version: '0.1.0',
};

/**
 * Signs a running `codex app-server` in with the tokens in `store` (external auth,
 * `chatgptAuthTokens`), keeps it up to date when the store changes, and answers its
 * `account/chatgptAuthTokens/refresh` requests through `refresh`.
 *
 * Resolves once Codex accepted `account/login/start`. Codex then checks the account against the
 * ChatGPT backend (`GET {chatgpt_base_url}/wham/accounts/check`); `bridge.login` tells the outcome.
 *
 * @example
 * ```ts
 * const child = spawn('codex', ['app-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
 * const bridge = await connectAppServerAuth({
 *   appServer: child,
 *   store,
 *   // core's refresh() under the store's lock, then the record it saved
 *   refresh: async ({ signal }) => {
 *     await refresh({ store, force: true, signal });
 *     return (await store.load())!;
 *   },
 * });
 * console.log((await bridge.accountRead()).account);
 * ```
 */
export async function connectAppServerAuth(
  options: AppServerAuthOptions,
): Promise<AppServerAuthBridge> {
  const refreshTimeoutMs = options.refreshTimeoutMs ?? 8_000;
  if (!(refreshTimeoutMs > 0 && refreshTimeoutMs < CODEX_REFRESH_LIMIT_MS)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `refreshTimeoutMs must be between 0 and ${CODEX_REFRESH_LIMIT_MS} ms (Codex stops waiting at 10 s).`,
    );
  }
  const owned = !(options.appServer instanceof JsonRpcConnection);
  const rpc = toConnection(options.appServer, options.requestTimeoutMs);
  const { store } = options;
  const events = new BridgeEmitter();
  let lastSent: string | null = null;
  let refreshing = 0;
  let deferred: { record: AuthRecord | null } | null = null;
  let queue: Promise<void> = Promise.resolve();
  const cleanups: (() => void)[] = [];

  const ready = awaitAppServerReady(rpc);
  const login = new Promise<LoginCompletedNotification>((resolve) => {
    const off = rpc.onNotification(M.LOGIN_COMPLETED, (params) => {
      off();
      resolve(params as LoginCompletedNotification);
    });
    cleanups.push(off);
  });
  cleanups.push(
    rpc.onNotification(M.LOGIN_COMPLETED, (params) =>
      events.emit('loginCompleted', params as LoginCompletedNotification),
    ),
  );

  const send = async (tokens: ExternalAuthTokens, cause: 'connect' | 'storeChange') => {
    lastSent = tokens.accessToken;
    await rpc.request(M.LOGIN_START, { type: 'chatgptAuthTokens', ...tokens });
    events.emit('tokensSent', {
      cause,
      accountId: tokens.chatgptAccountId,
      planType: tokens.chatgptPlanType,
    });
  };

  const forward = (record: AuthRecord | null) => {
    queue = queue.then(async () => {
      if (rpc.closed) return;
      try {
        if (record === null) {
          if (lastSent === null) return;
          lastSent = null;
          await rpc.request(M.LOGOUT);
          events.emit('loggedOut', { cause: 'storeCleared' });
          return;
        }
        const tokens = externalTokensFromRecord(record);
        if (tokens.accessToken !== lastSent) await send(tokens, 'storeChange');
      } catch (error) {
        events.emit('error', error as Error);
      }
    });
  };

  cleanups.push(
    rpc.onRequest(M.TOKENS_REFRESH, async (params) => {
      refreshing++;
      try {
        const tokens = await answerRefresh(
          (params ?? {}) as TokensRefreshParams,
          options.refresh,
          refreshTimeoutMs,
        );
        lastSent = tokens.accessToken; // the store's own notice of these tokens is then a no-op
        events.emit('refreshAnswered', { accountId: tokens.chatgptAccountId });
        return tokens;
      } catch (error) {
        const { message, data } = error as {
          message: string;
          data?: { reason: string; code?: string };
        };
        events.emit('refreshFailed', {
          reason: data?.reason ?? 'failed',
          message,
          ...(data?.code && { code: data.code }),
        });
        throw error;
      } finally {
        refreshing--;
        if (refreshing === 0 && deferred) {
          const { record } = deferred;
          deferred = null;
          forward(record);
        }
      }
    }),
  );

  try {
    if (options.initialize !== false) {
      await rpc.request(M.INITIALIZE, {
        clientInfo: options.clientInfo ?? DEFAULT_CLIENT_INFO,
        // `chatgptAuthTokens` is experimental: without this flag Codex rejects the login.
        capabilities: { experimentalApi: true, requestAttestation: false },
      });
      rpc.notify(M.INITIALIZED);
    }
    if (store.watch) {
      // Subscribed before the first load, so no change can slip between the two; changes queue
      // behind the first send and are skipped when they carry the token already sent.
      cleanups.push(
        store.watch((record) => {
          // While a refresh is being answered, its own save shows up here; decide after the answer.
          if (refreshing > 0) deferred = { record };
          else forward(record);
        }),
      );
    }
    const first = (async () => send(externalTokensFromRecord(await store.load()), 'connect'))();
    queue = first.catch(() => {});
    await first;
  } catch (error) {
    for (const cleanup of cleanups) cleanup();
    if (owned) rpc.close();
    throw error;
  }

  return {
    connection: rpc,
    login,
    ready,
    accountRead: () => rpc.request<AccountReadResult>(M.ACCOUNT_READ, {}),
    on: (event, listener) => events.on(event, listener),
    close() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      events.clear();
      if (owned) rpc.close();
    },
  };
}

function toConnection(
  appServer: AppServerTransport,
  requestTimeoutMs: number | undefined,
): JsonRpcConnection {
  if (appServer instanceof JsonRpcConnection) return appServer;
  if (!appServer.stdin || !appServer.stdout) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      "appServer needs piped stdin and stdout: spawn codex app-server with stdio: ['pipe', 'pipe', …].",
    );
  }
  return new JsonRpcConnection(appServer.stdout, appServer.stdin, {
    ...(requestTimeoutMs !== undefined && { requestTimeoutMs }),
  });
}
