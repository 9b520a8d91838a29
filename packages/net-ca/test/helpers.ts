import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import {
  type CertificateFiles,
  createThrowawayCa,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, beforeAll } from 'vitest';

/** A loopback server and how to stop it. */
export interface Running<S> {
  server: S;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Tracks sockets so `close()` does not wait on keep-alive connections. */
function closer(server: HttpServer | HttpsServer, sockets: Set<Socket>): () => Promise<void> {
  return async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close').catch(() => undefined);
  };
}

/** An HTTPS server on 127.0.0.1:0 answering `{"ok":true}` (or hanging when `hang` is set). */
export async function startHttpsServer(
  cert: CertificateFiles,
  options: { hang?: boolean } = {},
): Promise<Running<HttpsServer> & { handshakes(): number }> {
  const sockets = new Set<Socket>();
  let handshakes = 0;
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    if (options.hang) return; // never answer: the client's timeout must fire
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, path: req.url, method: req.method, body }));
    });
  });
  server.on('secureConnection', (socket) => {
    handshakes += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `https://127.0.0.1:${port}`,
    close: closer(server, sockets),
    /** TLS connections accepted so far. */
    handshakes: () => handshakes,
  };
}

/** A plain HTTP CONNECT proxy on 127.0.0.1:0 that pipes tunnels through and counts them. */
export async function startConnectProxy(): Promise<Running<HttpServer> & { tunnels: string[] }> {
  const sockets = new Set<Socket>();
  const tunnels: string[] = [];
  const server = createHttpServer((_req, res) => {
    res.statusCode = 405; // only tunnels here
    res.end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    // Loopback only: refuse to tunnel anywhere else, whatever a test asks for.
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: closer(server, sockets),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Runs `promise`, expecting it to reject, and returns the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/**
 * One throwaway CA and an HTTPS server with its leaf certificate for a whole test file: `use`
 * receives both once they run, and both are gone after the file's last test.
 */
export function useThrowawayHttps(
  use: (pki: ThrowawayCa, server: Running<HttpsServer>) => void,
): void {
  let pki: ThrowawayCa | undefined;
  let server: Running<HttpsServer> | undefined;
  beforeAll(async () => {
    pki = await createThrowawayCa();
    server = await startHttpsServer(pki.leaf);
    use(pki, server);
  });
  afterAll(async () => {
    await server?.close();
    await pki?.cleanup();
  });
}
