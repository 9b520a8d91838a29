import type { TokenSet } from '../model/auth-record.js';
import type { FetchLike } from '../transport/http.js';
import { type Provider, strategyOf } from './provider.js';

export {
  processTokenExchangeResponse,
  tokenExchangeRequest,
} from './openai/token-exchange.js';

/** Options of {@link exchangeAuthorizationCode}. */
export interface ExchangeCodeOptions {
  /** Transport. */
  fetch: FetchLike;
  /** Whose token endpoint. */
  provider: Provider;
  /** The authorization code from the callback (or the device grant). */
  code: string;
  /** The exact `redirect_uri` the code was issued for. */
  redirectUri: string;
  /** The PKCE verifier matching the authorize request's challenge. */
  codeVerifier: string;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/**
 * Exchanges an authorization code for tokens through the provider's strategy: OpenAI's form
 * request, or for an OIDC provider oauth4webapi's authorization-code grant (which also validates
 * the ID token's claims).
 */
export function exchangeAuthorizationCode(options: ExchangeCodeOptions): Promise<TokenSet> {
  const { provider, ...input } = options;
  return strategyOf(provider).exchangeCode(provider, input);
}
