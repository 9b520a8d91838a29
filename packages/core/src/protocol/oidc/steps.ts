// Everything of the OIDC profile that runs through oauth4webapi, in one module, so that
// `on-demand.ts` loads it (and oauth4webapi) with a single `import()` on the first OIDC call.
export {
  pollDeviceCodeGrant,
  pollDeviceCodeOnce,
  requestDeviceAuthorization,
} from './device-flow-rfc8628.js';
export { discoverOidcProfile } from './provider-oidc.js';
export { refreshOidc } from './refresh.js';
export { revokeOidc } from './revoke.js';
export { exchangeOidcCode } from './token-exchange.js';
