// The main entry: everything of `./config` (the CA bundle, proxy settings, error classification
// and the diagnostic probe, none of which loads undici) plus the undici transport built on them.
export * from './config.js';
export {
  createDispatcher,
  DEFAULT_TIMEOUT_MS,
  getNetCaSettings,
  installGlobalDispatcher,
  type NetCaOptions,
  type NetCaSettings,
  resolveNetCaSettings,
} from './dispatcher.js';
export { createFetch, type NetFetch } from './fetch.js';
export { secureContextFor } from './secure-context.js';
