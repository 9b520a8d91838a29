// `@codex-oauth/net-ca/config`: the CA bundle and proxy settings, and the error classification,
// without the transport. Nothing here imports undici, so a program that only inspects the
// configuration (`codex-oauth doctor` on a direct connection) does not pay for loading it
// (~60-120 ms) nor for compiling its WebAssembly HTTP parser on the way out. The same functions
// and classes as the main entry: both entries share one build chunk.

export {
  type CaBundle,
  type CaSource,
  type CaVariable,
  loadCaBundle,
  loadCaFromEnv,
  type NetEnv,
  resolveCaSource,
} from './ca-bundle.js';
export { classifyNetworkError, type NetErrorContext } from './classify-error.js';
export {
  CODEX_OAUTH_ERROR_BRAND,
  isNetCaError,
  NetCaError,
  type NetCaErrorCode,
  NetCaErrorCodes,
} from './errors.js';
export { type ProbeAnswer, type ProbeOptions, probeDirect } from './probe.js';
export { describeProxy, type ProxyConfig, proxyFor, resolveProxyConfig } from './proxy-config.js';
