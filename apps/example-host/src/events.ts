import type { ServerResponse } from 'node:http';
import type { HostSession } from './sessions.js';
import type { HostContext } from './sign-in.js';
import { viewOf } from './view.js';

/**
 * `GET /api/events`: a Server-Sent Events stream of the session's {@link PageView}, one `view`
 * event now and one after every change, so the page shows "Signed in as …" the moment the
 * callback (or the device approval) lands. A comment line every 15 s keeps proxies from closing it.
 */
export function streamEvents(ctx: HostContext, session: HostSession, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  let sending = Promise.resolve();
  const send = () => {
    // Views are built in order, so a late status read never overwrites a newer one.
    sending = sending.then(async () => {
      const view = await viewOf(ctx, session);
      if (!res.writableEnded) res.write(`event: view\ndata: ${JSON.stringify(view)}\n\n`);
    });
  };
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  session.listeners.add(send);
  res.on('close', () => {
    clearInterval(heartbeat);
    session.listeners.delete(send);
  });
  send();
}
