import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectCodex } from './codex-panel.js';
import { streamEvents } from './events.js';
import { changed, type HostSession, type SessionRegistry } from './sessions.js';
import {
  cancelByPerson,
  type HostContext,
  shownError,
  signOut,
  startSignIn,
  storeOf,
  submitPastedRedirect,
  switchStorage,
} from './sign-in.js';
import { serveStatic } from './static-files.js';
import { viewOf } from './view.js';

type Action = (ctx: HostContext, session: HostSession, body: unknown) => Promise<void>;

/** The JSON endpoints that change something; each answers with the new view. */
const ACTIONS: Record<string, Action> = {
  '/api/login/browser': (ctx, session) => startSignIn(ctx, session, 'browser'),
  '/api/login/device': (ctx, session) => startSignIn(ctx, session, 'device'),
  '/api/login/cancel': (_ctx, session) => cancelByPerson(session),
  '/api/login/paste': (_ctx, session, body) => {
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url !== 'string') throw new BadRequest('url: the pasted address');
    return submitPastedRedirect(session, url);
  },
  '/api/logout': (ctx, session) => signOut(ctx, session),
  '/api/storage': (_ctx, session, body) => {
    const storage = (body as { storage?: unknown } | null)?.storage;
    const redis = storage === 'redis' && session.shared !== null;
    if (storage !== 'memory' && storage !== 'file' && !redis) {
      throw new BadRequest('storage: memory | file (| redis when configured)');
    }
    return switchStorage(session, storage);
  },
  '/api/codex/connect': async (ctx, session) => {
    // Answer at once; the panel follows the connection over the event stream.
    void connectCodex(session, {
      issuer: ctx.config.issuer,
      codexBin: ctx.config.codexBin,
      codexHome: ctx.config.codexHome,
      store: storeOf(ctx, session),
      onChange: () => changed(session),
    });
  },
};

class BadRequest extends Error {}

/**
 * Handles one request: the page and its assets, `GET /api/status`, `GET /api/events` (SSE) and
 * the POST actions. Requests must name this server in `Host` (DNS rebinding) and POSTs must come
 * from the page's own origin as JSON (cross-site requests).
 */
export async function handle(
  ctx: HostContext,
  sessions: SessionRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
): Promise<void> {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) return json(res, 421, { error: 'wrong Host' });
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const session = sessions.sessionFor(req, res);
  if (req.method === 'GET') {
    if (path === '/api/status') return json(res, 200, await viewOf(ctx, session));
    if (path === '/api/events') return streamEvents(ctx, session, res);
    if (await serveStatic(path, res)) return;
    return json(res, 404, { error: 'not found' });
  }
  const action = ACTIONS[path];
  if (req.method !== 'POST' || !action) return json(res, 404, { error: 'not found' });
  const origin = req.headers.origin;
  if (origin === undefined || !hosts.some((host) => origin === `http://${host}`)) {
    return json(res, 403, { error: 'cross-origin request refused' });
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return json(res, 415, { error: 'send application/json' });
  }
  try {
    await action(ctx, session, await readJson(req));
    return json(res, 200, await viewOf(ctx, session));
  } catch (error) {
    if (error instanceof BadRequest) return json(res, 400, { error: error.message });
    session.error = shownError(error);
    if (session.error.code === 'EXAMPLE_HOST_ERROR') logUnexpected(error);
    changed(session);
    return json(res, 200, await viewOf(ctx, session));
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new BadRequest('body too large');
  }
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

// Only the error's class is logged: an unexpected error's message is not known to be secret-free.
function logUnexpected(error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  console.error(`example-host: unexpected ${name} while handling a request`);
}
