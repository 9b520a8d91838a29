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
  createDispatcher,
  DEFAULT_TIMEOUT_MS,
  getNetCaSettings,
  installGlobalDispatcher,
  type NetCaOptions,
  type NetCaSettings,
  resolveNetCaSettings,
} from './dispatcher.js';
export {
  CODEX_OAUTH_ERROR_BRAND,
  isNetCaError,
  NetCaError,
  type NetCaErrorCode,
  NetCaErrorCodes,
} from './errors.js';
export { createFetch, type NetFetch } from './fetch.js';
export { describeProxy, type ProxyConfig, proxyFor, resolveProxyConfig } from './proxy-config.js';
export { secureContextFor } from './secure-context.js';
