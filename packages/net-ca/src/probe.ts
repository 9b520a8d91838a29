import { createRequire } from 'node:module';
import type { CaBundle } from './ca-bundle.js';
import type { classifyNetworkError } from './classify-error.js';

// Required, not imported: on Node 24 the ESM view of node:http reads every export, and one of
// them lazily loads Node's bundled undici (its fetch, HTTP/2 and zlib: ~40 ms of doctor's start,
// cpu-prof), which `require` never touches.
const require = createRequire(import.meta.url);

/** What the issuer answered: its status and, for a small 2xx answer, its body. */
export interface ProbeAnswer {
  status: number;
  /** The body when the answer is 2xx and at most `maxBytes`; otherwise empty. */
  text: string;
}

/** How {@link probeDirect} connects. */
export interface ProbeOptions {
  /** The custom CA bundle in force (its `ca` is Node's roots plus the bundle), or `null`. */
  bundle: CaBundle | null;
  /** Aborts the request; its reason is what the returned promise rejects with. */
  signal: AbortSignal;
  /** The largest body worth reading. */
  maxBytes: number;
}

/**
 * One GET of `url` over a direct connection with `node:http` / `node:https`, trusting exactly what
 * net-ca gives undici (`bundle.ca`, else Node's roots), without following redirects. For
 * diagnostics (`codex-oauth doctor`), not for tokens: it sends no proxy and no user agent. It lives
 * here because net-ca is the one package that builds HTTP clients (SPEC §2).
 *
 * Why not net-ca's `fetch` here: loading undici costs 60-120 ms and its WebAssembly HTTP parser is
 * still compiling when doctor has printed, holding the exit another 50-150 ms (the repository's bench/doctor-start.mjs),
 * while DNS, TCP and the TLS chain, which is what this probe tests, go through the same `node:net`
 * and `node:tls` in both. A proxied URL belongs to `createFetch` (the tunnel is under test).
 * Rejects with the socket's own error (`ECONNREFUSED`, a TLS code), for {@link classifyNetworkError}.
 */
export function probeDirect(url: string, options: ProbeOptions): Promise<ProbeAnswer> {
  const { bundle, signal, maxBytes } = options;
  const https = url.startsWith('https:');
  const { request } = (
    https ? require('node:https') : require('node:http')
  ) as typeof import('node:http');
  return new Promise<ProbeAnswer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal,
        // No keep-alive agent: one request, then the socket closes and the process can exit.
        agent: false,
        ...(https && bundle && { ca: bundle.ca }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const length = Number(res.headers['content-length'] ?? 0);
        if (status < 200 || status > 299 || length > maxBytes) {
          res.destroy();
          resolve({ status, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            resolve({ status, text: '' });
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
