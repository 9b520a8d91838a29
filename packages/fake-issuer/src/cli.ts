#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startFakeIssuer } from './server.js';

/**
 * `codex-oauth-fake-issuer [--port N] [--any-port] [--device-interval S] [--auto-approve]`:
 * run the fake issuer standalone on 127.0.0.1 until SIGINT/SIGTERM. Prints the URL as the first
 * line of stdout so a parent process can read it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'any-port': { type: 'boolean', default: false },
      'device-interval': { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'access-ttl': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: codex-oauth-fake-issuer [--port N] [--any-port] [--device-interval S] [--auto-approve] [--access-ttl S]\n',
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer 0-65535, got "${values.port}"`);
  }
  const issuer = await startFakeIssuer({
    port,
    ...(values['any-port'] ? { registeredPorts: 'any' as const } : {}),
    ...(values['device-interval'] ? { deviceInterval: values['device-interval'] } : {}),
    ...(values['access-ttl'] ? { accessTokenTtlSeconds: Number(values['access-ttl']) } : {}),
    deviceAutoApprove: values['auto-approve'],
  });
  process.stdout.write(`${issuer.url}\n`);
  const shutdown = () => {
    issuer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `codex-oauth-fake-issuer: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
