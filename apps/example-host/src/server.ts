import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileStore } from '@codex-oauth/store-file';
import { redisStore } from '@codex-oauth/store-redis';
import { createClient } from 'redis';
import { disconnectCodex } from './codex-panel.js';
import type { HostConfig } from './config.js';
import { handle } from './routes.js';
import { SessionRegistry } from './sessions.js';
import { cancelSignIn, type HostContext } from './sign-in.js';

/** A running example host. */
export interface ExampleHost {
  /** `http://127.0.0.1:PORT` — open it in a browser. */
  readonly url: string;
  readonly port: number;
  /** Cancels running sign-ins, stops Codex children, closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts the web app on 127.0.0.1 (never another interface: it can sign a person in).
 *
 * @example
 * ```ts
 * const host = await startExampleHost(configFromEnv(process.env));
 * console.log(`open ${host.url}`);
 * ```
 */
export async function startExampleHost(config: HostConfig): Promise<ExampleHost> {
  // One Redis client for the whole host, shared by every session's store (the host owns it).
  const redis = config.redisUrl ? createClient({ url: config.redisUrl }) : undefined;
  if (redis) {
    redis.on('error', () => {}); // the stores report failures per call, as typed errors
    await redis.connect();
  }
  const sessions = new SessionRegistry(
    config.defaultStorage,
    redis && ((key) => redisStore({ client: redis, key })),
  );
  const ctx: HostContext = {
    config,
    url: '',
    fileStore: fileStore({ codexHome: config.codexHome }),
    renewShared: (session) => sessions.renewShared(session),
  };
  let port = 0;
  const server = createServer((req, res) => {
    handle(ctx, sessions, req, res, port).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  ctx.url = `http://127.0.0.1:${port}`;
  return {
    url: ctx.url,
    port,
    async close() {
      for (const session of sessions.all()) {
        disconnectCodex(session, null);
        await cancelSignIn(session);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(sessions.all().map((session) => session.shared?.dispose?.()));
      await redis?.close();
    },
  };
}
