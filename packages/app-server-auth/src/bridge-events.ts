import type { LoginCompletedNotification } from './protocol.js';

/**
 * What an {@link AppServerAuthBridge} reports. No event carries a token: only workspace ids,
 * plans and fixed messages, so they are safe to log.
 */
export interface AppServerAuthEvents {
  /** `account/login/start` with new tokens was accepted (`connect` or a store change). */
  tokensSent: { cause: 'connect' | 'storeChange'; accountId: string; planType: string | null };
  /** The store was cleared, so the bridge sent `account/logout`. */
  loggedOut: { cause: 'storeCleared' };
  /** Codex asked for new tokens and got them. */
  refreshAnswered: { accountId: string };
  /** Codex asked for new tokens and got JSON-RPC error -32000 with `message`. */
  refreshFailed: { reason: string; message: string; code?: string };
  /** Codex's verdict on tokens it was given (`account/login/completed`). */
  loginCompleted: LoginCompletedNotification;
  /** Forwarding a store change failed (Codex refused the tokens, or the connection is gone). */
  error: Error;
}

/** A listener of one {@link AppServerAuthEvents} event. */
export type AppServerAuthListener<K extends keyof AppServerAuthEvents> = (
  payload: AppServerAuthEvents[K],
) => void;

/** A tiny typed emitter; a throwing listener never breaks the bridge. */
export class BridgeEmitter {
  readonly #listeners = new Map<string, Set<(payload: never) => void>>();

  on<K extends keyof AppServerAuthEvents>(
    event: K,
    listener: AppServerAuthListener<K>,
  ): () => void {
    const set = this.#listeners.get(event) ?? new Set<(payload: never) => void>();
    this.#listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends keyof AppServerAuthEvents>(event: K, payload: AppServerAuthEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as AppServerAuthListener<K>)(payload);
      } catch {
        // The host's listener failing must not stop tokens from flowing.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
