import type { TokenSet } from '../../model/auth-record.js';
import type { ProviderStrategy } from '../strategy.js';
import { oidcAuthorizeUrl } from './authorize-url.js';
import {
  pollDeviceCodeOnce,
  requestDeviceAuthorization,
  slowDownRfc8628,
} from './device-flow-rfc8628.js';
import type { OidcProfile } from './provider-oidc.js';
import { refreshOidc } from './refresh.js';
import { revokeOidc } from './revoke.js';
import { exchangeOidcCode } from './token-exchange.js';

/** A standard OAuth 2.0 / OIDC issuer (SPEC §5): every step through oauth4webapi. */
export const oidcStrategy: ProviderStrategy<OidcProfile> = {
  authorizeUrl: (provider, input) =>
    oidcAuthorizeUrl(provider, input.redirectUri, input.codeChallenge, input.state),
  exchangeCode: exchangeOidcCode,
  refresh: refreshOidc,
  revoke: revokeOidc,
  startDevice: (provider, input) => requestDeviceAuthorization({ ...input, provider }),
  pollDevice: (provider, input) => pollDeviceCodeOnce({ ...input, provider }),
  // RFC 8628's poll answers with the tokens themselves.
  finishDevice: async (_provider, input) => input.done as TokenSet,
  deviceExchange: false,
  slowDown: slowDownRfc8628,
};
