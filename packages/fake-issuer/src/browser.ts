import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * "Be the browser" for one authorize URL: GET it without following the redirect and return the
 * `Location`. Uses node:http(s) directly so it works over HTTPS with the issuer's own certificate
 * as the only trusted root (global fetch cannot take a CA).
 */
export function fetchRedirect(
  issuerUrl: string,
  url: string,
  ca?: string | Buffer,
): Promise<string> {
  const target = new URL(url);
  if (target.origin !== new URL(issuerUrl).origin) {
    return Promise.reject(new Error(`authorize() only visits this issuer (${issuerUrl})`));
  }
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'GET', ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const location = res.headers.location;
        if (res.statusCode === 302 && location) {
          resolve(location);
          return;
        }
        const text = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
        reject(new Error(`authorize answered ${res.statusCode}, not a redirect: ${text}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
