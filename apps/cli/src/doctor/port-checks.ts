import { createServer } from 'node:net';
import { type Check, check } from './check.js';

/** Tries to bind 127.0.0.1:`port` (as the loopback server would) and lets it go at once. */
function canBind(port: number): Promise<boolean | string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'EADDRINUSE' ? false : (error.code ?? error.message));
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/**
 * Who holds the loopback ports of the browser flow. 1455 busy is a warning (login asks an earlier
 * login there to cancel, then falls back to 1457); both busy is a failure of the browser flow.
 */
export async function portChecks(extra: number | undefined): Promise<Check[]> {
  const ports = [
    1455,
    1457,
    ...(extra !== undefined && extra !== 0 && extra !== 1455 && extra !== 1457 ? [extra] : []),
  ];
  const states = await Promise.all(
    ports.map(async (port) => ({ port, free: await canBind(port) })),
  );
  const busy = states.filter((s) => s.free === false).map((s) => s.port);
  const bothBusy = busy.includes(1455) && busy.includes(1457);
  const checks: Check[] = [];
  for (const { port, free } of states) {
    const id = `port-${port}`;
    const title = `Port ${port}`;
    if (free === true) {
      checks.push(check(id, title, 'ok', 'free'));
    } else if (free === false) {
      // Loaded only for a busy port: core's main entry is most of what doctor would load.
      const { describePortOwner } = await import('@codex-oauth/core');
      const owner = await describePortOwner(port);
      const held = owner
        ? `in use by ${owner}`
        : 'in use (owner unknown: another user, or not Linux)';
      const verdict =
        port === 1455 && !bothBusy ? 'warn' : bothBusy || port === extra ? 'fail' : 'warn';
      const fix =
        port === 1455 && !bothBusy
          ? 'Login will use 1457; stop that process to use 1455 (a Codex or codex-oauth login there is cancelled automatically)'
          : `Stop that process${owner ? ` (${owner})` : ''} or sign in with --flow device`;
      checks.push(check(id, title, verdict, held, [], fix));
    } else {
      checks.push(check(id, title, 'warn', `cannot be checked: ${free}`));
    }
  }
  return checks;
}
