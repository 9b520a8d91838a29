import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici a request needs, required one module each instead of through undici's
 * `index.js`. The index loads every dispatcher, the mock agents, caches, WebSocket, EventSource
 * and the cookie helpers, and the latter touch the global `Headers`, which makes Node load its
 * own bundled copy of undici besides: about half of the first request's load time on a busy
 * machine, for nothing that request uses. The modules are undici's own (the same instances the
 * index would hand out), so classes and dispatchers from either path mix freely.
 */
const load = createRequire(import.meta.url);

/** undici's `fetch`. */
export const fetch: typeof Undici.fetch = (load('undici/lib/web/fetch/index.js') as typeof Undici)
  .fetch;
/** undici's `Request` class. */
export const Request: typeof Undici.Request = (
  load('undici/lib/web/fetch/request.js') as typeof Undici
).Request;
/** undici's `Agent`. */
export const Agent: typeof Undici.Agent = load('undici/lib/dispatcher/agent.js');

/** A connector as undici's `connect` option takes it (what `buildConnector` returns). */
export type Connector = Undici.buildConnector.connector;

/** undici's `buildConnector` (its default TCP/TLS connector, given options). */
export const buildConnector: (options: Undici.buildConnector.BuildOptions) => Connector = load(
  'undici/lib/core/connect.js',
);

/** undici's `EnvHttpProxyAgent`, loaded only when a proxy variable is set. */
export function envHttpProxyAgent(): typeof Undici.EnvHttpProxyAgent {
  return load('undici/lib/dispatcher/env-http-proxy-agent.js');
}

/** undici's `Pool`, loaded only for the proxy's client. */
export function pool(): typeof Undici.Pool {
  return load('undici/lib/dispatcher/pool.js');
}

/** undici's `setGlobalDispatcher`, loaded only when asked to install one. */
export function setGlobalDispatcher(dispatcher: Undici.Dispatcher): void {
  (load('undici/lib/global.js') as typeof Undici).setGlobalDispatcher(dispatcher);
}
