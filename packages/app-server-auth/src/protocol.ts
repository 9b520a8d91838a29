/**
 * The slice of the `codex app-server` v2 protocol this package speaks, as Codex 0.169 generates it
 * (`codex app-server generate-ts --experimental`). Field names are the binary's, checked live.
 */

/** Method and notification names. */
export const AppServerMethods = {
  INITIALIZE: 'initialize',
  INITIALIZED: 'initialized',
  LOGIN_START: 'account/login/start',
  LOGIN_COMPLETED: 'account/login/completed',
  ACCOUNT_UPDATED: 'account/updated',
  ACCOUNT_READ: 'account/read',
  LOGOUT: 'account/logout',
  /** Server→client request: Codex got a 401 with host-supplied tokens and wants new ones. */
  TOKENS_REFRESH: 'account/chatgptAuthTokens/refresh',
} as const;

/**
 * How long Codex waits for the answer to `account/chatgptAuthTokens/refresh` before it gives up
 * (`auth refresh request timed out after 10s`).
 */
export const CODEX_REFRESH_LIMIT_MS = 10_000;

/** `clientInfo` of `initialize`. Codex puts `name` and `version` into its User-Agent. */
export interface ClientInfo {
  name: string;
  title: string | null;
  version: string;
}

/** What the host hands Codex: `account/login/start` params and the refresh answer share them. */
export interface ExternalAuthTokens {
  /** The ChatGPT access token (a JWT: Codex reads email, user and plan claims from it). */
  accessToken: string;
  /** The ChatGPT workspace (`chatgpt_account_id`); sent as `ChatGPT-Account-ID`. */
  chatgptAccountId: string;
  /** Plan name (`pro`, `plus`, …); `null` lets Codex read it from the token, else `unknown`. */
  chatgptPlanType: string | null;
}

/** `account/login/completed`. For `chatgptAuthTokens`, `loginId` is `null`. */
export interface LoginCompletedNotification {
  loginId: string | null;
  success: boolean;
  /** e.g. `workspace routing discovery failed` (see the README). */
  error: string | null;
}

/**
 * `account/updated`. Codex 0.171 adds `reason` (`null` for an ordinary change); 0.169 sends no
 * `reason` key at all.
 */
export interface AccountUpdatedNotification {
  authMode: string | null;
  planType: string | null;
  /** 0.171+: {@link WORKSPACE_ROUTING_READY} once the workspace routing check has finished. */
  reason?: string | null;
}

/** The `account/updated` reason Codex 0.171 sends when workspace routing discovery has finished. */
export const WORKSPACE_ROUTING_READY = 'workspaceRoutingReady';

/** `account/chatgptAuthTokens/refresh` params. */
export interface TokensRefreshParams {
  /** Always `unauthorized` in 0.169. */
  reason: string;
  /** The workspace Codex was using; the answer must be for the same one. */
  previousAccountId?: string | null;
}

/** The account part of `account/read`. */
export type AppServerAccount =
  | { type: 'apiKey' }
  | { type: 'chatgpt'; email: string | null; planType: string; workspaceName: string | null }
  | { type: 'amazonBedrock'; usesCodexManagedCredentials: boolean }
  | { type: 'gcp' };

/** Where Codex sends ChatGPT-backend requests for the account, learnt from `/wham/accounts/check`. */
export interface WorkspaceRouting {
  chatgptAccountId: string;
  backendOrigin: string;
  accountRoutingOverride: 'NO_CONSTRAINT' | 'us' | 'us_cr';
}

/** The result of `account/read` (Codex 0.169). */
export interface AccountReadResult {
  account: AppServerAccount | null;
  /** The ChatGPT user id (`chatgpt_user_id`), when known. */
  userId: string | null;
  requiresOpenaiAuth: boolean;
  workspaceRouting: WorkspaceRouting | null;
}
