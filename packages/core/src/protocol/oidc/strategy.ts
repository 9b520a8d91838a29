import type { TokenSet } from '../../model/auth-record.js';
import type { ProviderStrategy } from '../strategy.js';
import { oidcAuthorizeUrl } from './authorize-url.js';
import { oidcSteps } from './on-demand.js';
import type { OidcProfile } from './provider-oidc.js';
import { slowDownRfc8628 } from './slow-down.js';

/**
 * A standard OAuth 2.0 / OIDC issuer (SPEC §5): every network step through oauth4webapi, loaded
 * on the first one (`on-demand.ts`). The authorize URL and the `slow_down` rule need none of it.
 */
export const oidcStrategy: ProviderStrategy<OidcProfile> = {
  authorizeUrl: (provider, input) =>
    oidcAuthorizeUrl(provider, input.redirectUri, input.codeChallenge, input.state),
  exchangeCode: async (provider, input) => (await oidcSteps()).exchangeOidcCode(provider, input),
  refresh: async (provider, input) => (await oidcSteps()).refreshOidc(provider, input),
  revoke: async (provider, input) => (await oidcSteps()).revokeOidc(provider, input),
  startDevice: async (provider, input) =>
    (await oidcSteps()).requestDeviceAuthorization({ ...input, provider }),
  pollDevice: async (provider, input) =>
    (await oidcSteps()).pollDeviceCodeOnce({ ...input, provider }),
  // RFC 8628's poll answers with the tokens themselves.
  finishDevice: async (_provider, input) => input.done as TokenSet,
  deviceExchange: false,
  slowDown: slowDownRfc8628,
};
