import { createServer, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CodexOAuthError, ErrorCodes } from '../src/model/errors.js';
import { redactSecrets } from '../src/model/redaction.js';
import { readOAuthError } from '../src/transport/answer.js';
import { resolveFetch } from '../src/transport/http.js';
import { createTransport } from '../src/transport/transport.js';

// The transport against a bare local server, for what the fake issuer does not do on its own.

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

describe('createTransport', () => {
  it('refuses a declared content-length over the cap before reading a byte', async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 5_000_000 });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < 5_000_000 && res.write(chunk)) written += chunk.length;
        if (written < 5_000_000) res.once('drain', pump);
      };
      pump();
      res.on('error', () => {});
    });
    const fetch = createTransport(globalThis.fetch, { maxBodyBytes: 1024 });
    const error = await fetch(`${url}/oauth/token?secret=abc`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.RESPONSE_TOO_LARGE });
    expect((error as Error).message).toContain(`${url}/oauth/token`);
    expect((error as Error).message).not.toContain('secret=abc'); // the query is left out
  });

  it('a caller abort rejects with the caller reason, not as a timeout', async () => {
    const url = await serve(() => {}); // never answers
    const fetch = createTransport(globalThis.fetch, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = fetch(url, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('a secret sent once is redacted from a later error, whatever its shape', async () => {
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_request', error_description: `got ${body}` }));
      });
    });
    const fetch = createTransport(globalThis.fetch);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=q7&device_code=short-one&user_code=ABCD-1234',
    });
    const details = await readOAuthError(response);
    const error = new CodexOAuthError(
      ErrorCodes.TOKEN_EXCHANGE_FAILED,
      details.error_description!,
      {
        error_description: details.error_description!,
      },
    );
    for (const text of [error.message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain('short-one');
      expect(text).toContain('ABCD-1234'); // the user code is shown on purpose, not a secret
    }
  });
});

describe('resolveFetch', () => {
  it('an unusable CODEX_OAUTH_REQUEST_TIMEOUT_MS is a typed error naming the variable', () => {
    expect(() => resolveFetch({ env: { CODEX_OAUTH_REQUEST_TIMEOUT_MS: 'soon' } })).toThrow(
      expect.objectContaining({
        code: ErrorCodes.INVALID_OPTION,
        message: expect.stringContaining('CODEX_OAUTH_REQUEST_TIMEOUT_MS'),
      }),
    );
  });
});

describe('redactSecrets', () => {
  it('survives a multi-megabyte run (the regular expression once overflowed the stack)', () => {
    const out = redactSecrets(`x${'ab'.repeat(4_000_000)}`);
    expect(out.length).toBeLessThan(5_000);
  });
});
