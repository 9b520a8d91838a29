import type { TokenSet } from '../model/auth-record.js';
import type { FetchLike } from '../transport/http.js';
import type { DeviceCode } from './device-code.js';
import type { PollStep } from './device-poll.js';

/** Why a refresh happens; sent as `refresh_reason` exactly as Codex 0.169 does. */
export type RefreshReason = 'proactive_expiry' | 'unauthorized_recovery' | 'forced';

/** What the issuer said to a revocation. Refusals are answers, not exceptions. */
export type RevokeResult =
  | { revoked: true; status: number }
  | { revoked: false; status: number; error?: string };

/** What every network step of a strategy receives. */
export interface StepContext {
  fetch: FetchLike;
  signal?: AbortSignal | undefined;
}

/** Input of a strategy's browser steps. */
export interface AuthorizeInput {
  redirectUri: string;
  codeChallenge: string;
  state: string;
  /** OpenAI only: restricts the sign-in to these workspace(s). */
  allowedWorkspaceId?: string | string[];
}

/**
 * How one kind of provider speaks each step of the protocol. Every step is a request builder and
 * a response reader in the provider's own folder (`protocol/openai/*`, `protocol/oidc/*`); the
 * generic flows (`refreshTokens`, `exchangeAuthorizationCode`, `revokeToken`, both sign-ins) pick
 * the strategy once, by the profile's `kind`, and never branch on the provider again.
 */
export interface ProviderStrategy<P> {
  /** The browser sign-in URL. Pure. */
  authorizeUrl(provider: P, input: AuthorizeInput): string;
  /** Exchanges a loopback callback's code. */
  exchangeCode(
    provider: P,
    input: StepContext & { code: string; redirectUri: string; codeVerifier: string },
  ): Promise<TokenSet>;
  /** One refresh request and its answer (the retry loop is shared, in `refresh.ts`). */
  refresh(
    provider: P,
    input: StepContext & { refreshToken: string; reason: RefreshReason },
  ): Promise<Partial<TokenSet>>;
  /** One revocation request; refusals are answers. */
  revoke(provider: P, input: StepContext & { token: string }): Promise<RevokeResult>;
  /** Device flow: the code to show (its secret kept privately). */
  startDevice(provider: P, input: StepContext & { now: () => number }): Promise<DeviceCode>;
  /** Device flow: one poll, read into a step of the shared poll loop. */
  pollDevice(provider: P, input: StepContext & { deviceCode: DeviceCode }): Promise<PollStep>;
  /** True when {@link finishDevice} sends a request (OpenAI's code exchange), for the `exchanging` event. */
  deviceExchange: boolean;
  /** Device flow: turns the poll's result into tokens (OpenAI exchanges a code; RFC 8628 has them). */
  finishDevice(provider: P, input: StepContext & { done: unknown }): Promise<TokenSet>;
  /** The interval after a `slow_down`. */
  slowDown(intervalMs: number): number;
}
