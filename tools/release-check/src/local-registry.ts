import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { packedManifest } from './workspace.js';

/** A registry on 127.0.0.1 serving only our packed tarballs. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** `.npmrc` lines that send the `@codex-oauth` scope here and everything else to the registry. */
  npmrc: string;
  close(): Promise<void>;
}

/**
 * Serves the packuments and tarballs of `tarballs` (package name -> .tgz) as a scoped registry, so
 * `npm i -g @codex-oauth/cli` and `npx @codex-oauth/cli` resolve our unpublished packages the way
 * they will resolve published ones, while their other dependencies still come from the npm
 * registry. It answers only what it holds (404 otherwise) and binds 127.0.0.1.
 */
export async function startLocalRegistry(tarballs: Record<string, string>): Promise<LocalRegistry> {
  const packages = new Map<string, { manifest: Record<string, unknown>; file: string }>();
  for (const [name, file] of Object.entries(tarballs)) {
    packages.set(name, { manifest: packedManifest(file), file });
  }
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').slice(1);
    const tarball = /^(.+)\/-\/[^/]+\.tgz$/.exec(path);
    const entry = packages.get(tarball ? (tarball[1] as string) : path);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(entry.file));
      return;
    }
    const bytes = readFileSync(entry.file);
    const version = entry.manifest.version as string;
    const name = entry.manifest.name as string;
    const packument = {
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...entry.manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `${base}${name}/-/${name.split('/').pop()}-${version}.tgz`,
            integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    npmrc: `@codex-oauth:registry=${base}\n`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
