import type { IncomingHttpHeaders } from 'node:http';

/** The signed-in user the fake issuer puts into every token it mints. */
export interface FakeAccount {
  /** `email` in the id token and `https://api.openai.com/profile.email` in the access token. */
  email: string;
  /** `chatgpt_account_id` (the workspace); Codex copies it into `tokens.account_id`. */
  accountId: string;
  /** `chatgpt_plan_type`, e.g. `plus`, `pro`, `team`. */
  planType: string;
  /** `chatgpt_user_id` and `user_id`; also the JWT `sub` (`auth0|<userId>`). */
  userId: string;
  /**
   * `name` of the account in the ChatGPT backend's account check (Codex shows it as
   * `account.workspaceName`). Not in any token. Default: none (`null` on the wire).
   */
  workspaceName?: string;
}

/** Options of {@link startFakeIssuer}. Every field is optional. */
export interface FakeIssuerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP when absent. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The only client id accepted. Default `app_EMoamEEZ73f0CkXaXp7hrann` (Codex's). */
  clientId?: string;
  /** Claims of the signed-in user; missing fields take the defaults in {@link DEFAULT_ACCOUNT}. */
  account?: Partial<FakeAccount>;
  /** Access- and id-token lifetime at sign-in, in seconds. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Access- and id-token lifetime after a refresh, in seconds. Default: `accessTokenTtlSeconds`. */
  refreshedAccessTokenTtlSeconds?: number;
  /** Clock in milliseconds since the epoch; drives `iat`/`exp` and every expiry. Default `Date.now`. */
  now?: () => number;
  /** Offer device-code sign-in. `false` makes the usercode endpoint answer 404. Default true. */
  deviceLogin?: boolean;
  /**
   * The `interval` handed out with a device code. A string by default, as the real server sends it
   * (Codex 0.169 rejects a JSON number). Default `"1"`: fast for tests, still lets `slow_down` fire.
   */
  deviceInterval?: string | number;
  /** Device-code lifetime in seconds. Default 900 (15 minutes). */
  deviceCodeTtlSeconds?: number;
  /** Approve every device code on its first poll, which then succeeds. Default false. */
  deviceAutoApprove?: boolean;
  /**
   * Loopback callback ports accepted in `redirect_uri` (both `127.0.0.1` and `localhost`).
   * Default `[1455, 1457]` as OpenAI registers them; `'any'` accepts every port (tests on port 0).
   */
  registeredPorts?: number[] | 'any';
  /**
   * `workspace_backend_origin` in the ChatGPT backend's account check. Codex requires `https:`
   * and does not contact it during discovery. Default `https://workspace-backend.invalid`.
   */
  workspaceBackendOrigin?: string;
  /**
   * Bind each grant to the account it signed in as: its refreshes keep minting that account's
   * claims even after `setAccount`, as the real server does for a user's refresh token. Lets a
   * test sign in two accounts (`setAccount` between the sign-ins) and refresh both. Default false:
   * `setAccount` also changes what later refreshes mint (a plan change seen on refresh).
   */
  accountPerGrant?: boolean;
}

/** One request as the fake issuer received it. Bodies are kept raw and parsed when they parse. */
export interface FakeRequest {
  method: string;
  /** Path without the query string, e.g. `/oauth/token`. */
  path: string;
  /** Query parameters (last value wins). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The raw body, `''` when empty. */
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
  /** The body parsed as `application/x-www-form-urlencoded` when it is a form. */
  form?: Record<string, string>;
  /** Arrival time on the issuer's clock (ms since the epoch). */
  time: number;
  /** The status answered, once answered; absent for a dropped connection or one still delayed. */
  status?: number;
}

/**
 * A fault for the next matching request(s) on `path` (exact path, no query). `times` defaults to 1;
 * `Infinity` keeps it forever. The request is logged either way.
 *
 * - `status`: that status and `body` (default a JSON OAuth error).
 * - `drop`: the socket is destroyed without an answer.
 * - `delay`: wait `ms`, then the normal answer.
 * - `malformed`: 200 with a truncated JSON body.
 * - `drip`: the status line and headers at once (status default 200, JSON, chunked), then one
 *   byte of `body` every `intervalMs` (default 1000), forever: an answer that never ends.
 * - `huge`: `bytes` bytes of a JSON body (a `{"error":"server_error","error_description":"xxxx…"}`
 *   for an error status, `{"padding":"xxxx…"}` for 2xx), streamed with backpressure; status
 *   default 200; `declareLength` sends a `content-length` (default: chunked, so the client only
 *   learns the size by reading).
 * - `echo`: answers `status` (default 400) with the request echoed back in an OAuth error,
 *   `{"error":"invalid_request","error_description":"<body> (<method> <path> <headers>)"}`, as a
 *   careless server or proxy does: every secret the client sent comes back in the answer.
 * - `gzip`: the normal answer, gzip-compressed (`content-encoding: gzip`).
 */
export type Fault = { path: string; times?: number } & (
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'drip'; status?: number; intervalMs?: number; body?: string }
  | { kind: 'huge'; bytes: number; status?: number; declareLength?: boolean }
  | { kind: 'echo'; status?: number }
  | { kind: 'gzip' }
);

/** What the authorize endpoint does with a valid request (see `setAuthorizeOutcome`). */
export type AuthorizeOutcome = 'approve' | 'access_denied' | 'missing_codex_entitlement';

/**
 * A refresh token the issuer handed out. `live` can be used once; `rotated` was used (reusing it
 * revokes the grant); `revoked` belongs to a revoked grant; `expired` was expired by the test.
 */
export interface IssuedRefreshToken {
  token: string;
  grantId: string;
  state: 'live' | 'rotated' | 'revoked' | 'expired';
  /** Issue time on the issuer's clock. */
  issuedAt: number;
}

/** One sign-in (browser or device) and every token descended from it through refreshes. */
export interface IssuedGrant {
  id: string;
  clientId: string;
  via: 'browser' | 'device';
  createdAt: number;
  /** The account at sign-in (what its refreshes mint with `accountPerGrant`). */
  account: FakeAccount;
  /** Every refresh token of this grant, oldest first; the last one is live unless revoked. */
  refreshTokens: string[];
  /** Every access token of this grant, oldest first. */
  accessTokens: string[];
  /** Every id token of this grant, oldest first. */
  idTokens: string[];
  /** Successful refreshes so far. */
  refreshCount: number;
  /** Why the grant stopped working, or null while it works. */
  revoked: null | 'reuse' | 'revoke' | 'manual';
}

/** A running fake issuer. */
export interface FakeIssuer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). Use it as the issuer. */
  readonly url: string;
  /**
   * The ChatGPT backend on this server, `{url}/backend-api/` (with the trailing slash Codex's
   * default has): Codex's `chatgpt_base_url`. Only the account check is served there.
   */
  readonly chatgptBaseUrl: string;
  readonly port: number;
  /** Close the server and every open socket; pending delayed answers are dropped. */
  stop(): Promise<void>;
  /** Every request so far, oldest first. */
  readonly requests: FakeRequest[];
  /** How many requests hit `path` (exact, no query). */
  count(path: string): number;
  /** Approve a pending device code, as the person at `/codex/device` would. Throws if unknown. */
  approveDevice(userCode: string): void;
  /** Deny a pending device code; its next poll answers `access_denied`. Throws if unknown. */
  denyDevice(userCode: string): void;
  /** Change the account for tokens minted from now on (sign-ins and refreshes). */
  setAccount(account: Partial<FakeAccount>): void;
  /** Choose what `/oauth/authorize` answers to a valid request. Default `'approve'`. */
  setAuthorizeOutcome(outcome: AuthorizeOutcome): void;
  /** Queue a fault for the next matching request(s). */
  inject(fault: Fault): void;
  /** Drop every queued fault. */
  clearFaults(): void;
  /** Introspection: every refresh token (by token) and every grant, for assertions. */
  readonly issued: {
    readonly refreshTokens: ReadonlyMap<string, IssuedRefreshToken>;
    readonly grants: readonly IssuedGrant[];
  };
  /** True while `token` (access, id or refresh) belongs to a grant that is not revoked. */
  isLive(token: string): boolean;
  /** Revoke the grant of this refresh token; its next refresh answers `refresh_token_invalidated`. */
  revokeGrantOf(refreshToken: string): void;
  /** Expire this refresh token; its next use answers `refresh_token_expired`. */
  expireRefreshToken(refreshToken: string): void;
  /**
   * Make the ChatGPT backend answer 401 `token_expired` for this access token from now on, as if
   * it had expired early; the token's grant and refresh token are untouched. Throws if unknown.
   */
  rejectAccessToken(accessToken: string): void;
  /**
   * Be the browser: GET an authorize URL of this issuer and return the `Location` it redirects to
   * (the callback URL with `code` and `state`, or with `error`), without following it. Rejects
   * when the issuer does not redirect (the error carries the status and the page text).
   */
  authorize(url: string): Promise<string>;
}
