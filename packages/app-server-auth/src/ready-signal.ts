import type { JsonRpcConnection } from './json-rpc.js';
import {
  type AccountUpdatedNotification,
  type LoginCompletedNotification,
  AppServerMethods as M,
  WORKSPACE_ROUTING_READY,
} from './protocol.js';

/** How Codex said it is ready (or not) to serve the account. */
export interface AppServerReady {
  /** Codex can use the account: its workspace routing check passed. */
  ready: boolean;
  /**
   * Which message said so: `workspaceRoutingReady` (0.171's `account/updated` reason),
   * `loginCompleted` (the verdict on tokens sent with `account/login/start`), or `accountUpdated`
   * (0.169, which has no reason: its first `account/updated` with an account follows discovery).
   */
  via: 'workspaceRoutingReady' | 'loginCompleted' | 'accountUpdated';
  /** Codex's error when not ready, e.g. `workspace routing discovery failed`. */
  error: string | null;
}

/**
 * Resolves once `codex app-server` says the account is usable, by the best signal the running
 * version has: Codex 0.171's `account/updated { reason: 'workspaceRoutingReady' }` where it is
 * sent (an app-server that loaded a ChatGPT login of its own, e.g. an auth.json kept fresh by
 * `codex-oauth keep-fresh`), else `account/login/completed` (host-held tokens, both versions),
 * else, on 0.169, the first `account/updated` that names an account. Subscribe before the
 * messages can arrive (before `initialized` or `account/login/start`). Never rejects.
 *
 * @example
 * ```ts
 * const ready = awaitAppServerReady(rpc);
 * rpc.notify('initialized');
 * const { ready: ok, via, error } = await ready;
 * ```
 */
export function awaitAppServerReady(rpc: JsonRpcConnection): Promise<AppServerReady> {
  return new Promise((resolve) => {
    const done = (result: AppServerReady) => {
      offUpdated();
      offLogin();
      resolve(result);
    };
    const offUpdated = rpc.onNotification(M.ACCOUNT_UPDATED, (params) => {
      const update = (params ?? {}) as AccountUpdatedNotification;
      if (update.reason === WORKSPACE_ROUTING_READY) {
        done({ ready: true, via: 'workspaceRoutingReady', error: null });
      } else if (!('reason' in update) && update.authMode != null) {
        // 0.169 (no `reason` key): only sent once discovery has run.
        done({ ready: true, via: 'accountUpdated', error: null });
      }
    });
    const offLogin = rpc.onNotification(M.LOGIN_COMPLETED, (params) => {
      const { success, error } = params as LoginCompletedNotification;
      done({ ready: success, via: 'loginCompleted', error: success ? null : error });
    });
  });
}
