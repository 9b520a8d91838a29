import { createSecureContext, type SecureContext } from 'node:tls';
import type { CaBundle } from './ca-bundle.js';
import { buildConnector, type Connector } from './undici-parts.js';

// One secure context per parsed bundle (`loadCaBundle` hands out the same `ca` array for the same
// file), so every connection of every dispatcher in the process shares it.
const contexts = new WeakMap<readonly string[], SecureContext>();

/**
 * The TLS secure context trusting `bundle.ca` (Node's roots plus the custom certificates), made
 * once per bundle. Given `ca`, Node builds a fresh certificate store for every connection,
 * parsing every root and every bundle certificate again (~290 PEM blocks with a system
 * `SSL_CERT_FILE`: 15-60 ms of CPU per new connection); a shared context parses them once.
 *
 * @example
 * ```ts
 * const context = secureContextFor(bundle);
 * tls.connect({ host, port, servername: host, secureContext: context });
 * ```
 */
export function secureContextFor(bundle: CaBundle): SecureContext {
  let context = contexts.get(bundle.ca);
  if (!context) {
    context = createSecureContext({ ca: bundle.ca });
    contexts.set(bundle.ca, context);
  }
  return context;
}

/**
 * undici's own connector with `timeout`, trusting `bundle` through {@link secureContextFor}. The
 * context is made at the first HTTPS connection, not before: a plain-HTTP issuer (a loopback
 * test server) never pays for it.
 */
export function connectorFor(bundle: CaBundle, timeout: number): Connector {
  const plain = buildConnector({ timeout });
  let secure: Connector | undefined;
  return (options, callback) => {
    if (options.protocol !== 'https:') return plain(options, callback);
    secure ??= buildConnector({ timeout, secureContext: secureContextFor(bundle) });
    return secure(options, callback);
  };
}
