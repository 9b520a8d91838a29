import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeIssuer } from './server.js';
import { decodeJwtPayload } from './tokens.js';

/**
 * `pnpm demo`: a complete scripted browser sign-in against the fake issuer with plain fetch
 * (PKCE + state, authorize redirect, loopback callback, code exchange), then one refresh.
 * Prints a summary and never a token.
 */
async function main(): Promise<void> {
  const issuer = await startFakeIssuer({ registeredPorts: 'any' });
  const clientId = 'app_EMoamEEZ73f0CkXaXp7hrann';
  try {
    const verifier = randomBytes(64).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(32).toString('base64url');

    // The loopback callback server, on an ephemeral port (the issuer was told to accept any).
    let resolveCode: (code: string) => void = () => {};
    const codeArrived = new Promise<string>((resolve) => {
      resolveCode = resolve;
    });
    const callback = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      if (url.pathname !== '/auth/callback' || url.searchParams.get('state') !== state || !code) {
        res.writeHead(400, { connection: 'close' }).end('State mismatch');
        return;
      }
      res.writeHead(200, { connection: 'close' }).end('Signed in. You may close this page.');
      resolveCode(code);
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    const redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/auth/callback`;

    const authorizeUrl = `${issuer.url}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      originator: 'codex_cli_rs',
    })}`;
    // "The browser": the issuer signs in at once and redirects to the loopback callback.
    const location = await issuer.authorize(authorizeUrl);
    await fetch(location);
    const code = await codeArrived;
    callback.close();

    const exchange = await fetch(`${issuer.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    if (!exchange.ok) throw new Error(`code exchange failed with status ${exchange.status}`);
    const tokens = (await exchange.json()) as Record<string, string>;
    const id = decodeJwtPayload(tokens.id_token ?? '') ?? {};
    const access = decodeJwtPayload(tokens.access_token ?? '') ?? {};
    const auth = (access['https://api.openai.com/auth'] ?? {}) as Record<string, string>;

    const refresh = await fetch(`${issuer.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        grant_type: 'refresh_token',
        refresh_reason: 'forced',
        refresh_token: tokens.refresh_token,
      }),
    });
    if (!refresh.ok) throw new Error(`refresh failed with status ${refresh.status}`);
    const refreshed = (await refresh.json()) as Record<string, string>;
    const rotated =
      refreshed.refresh_token !== tokens.refresh_token &&
      !issuer.isLive(tokens.refresh_token ?? '');
    const expiry = new Date(Number(access.exp) * 1000).toISOString();

    process.stdout.write(
      [
        `fake issuer:  ${issuer.url}`,
        `signed in as: ${String(id.email)}`,
        `plan:         ${auth.chatgpt_plan_type}`,
        `account:      ${auth.chatgpt_account_id}`,
        `token expiry: ${expiry}`,
        `refresh rotated: ${rotated ? 'yes' : 'NO'}`,
        `requests:     ${issuer.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`,
        '',
      ].join('\n'),
    );
    if (!rotated) process.exitCode = 1;
  } finally {
    await issuer.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
