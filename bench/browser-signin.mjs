// Full browser sign-in against the fake issuer on loopback, with codex-oauth and without it.
// Run from the repo root after building: see bench/README.md.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { openaiProfile, resolveFetch, startBrowserLogin } from '../packages/core/dist/index.js';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { measureSideBySide, reportSideBySide } from './lib/side-by-side.mjs';

const RUNS = Number(process.argv[2] ?? 200);
const WARMUP = 20;

const fake = await startFakeIssuer({ registeredPorts: 'any' });
const provider = openaiProfile({ issuer: fake.url, env: {} });
const fetch = resolveFetch({ env: {} });

/** The browser's part: load the authorize URL, then the loopback callback it redirects to. */
async function playBrowser(authorizeUrl) {
  const callback = await fake.authorize(authorizeUrl);
  const answer = await globalThis.fetch(callback, { redirect: 'manual' });
  await answer.arrayBuffer();
  if (answer.status !== 302) throw new Error(`callback answered ${answer.status}`);
}

/** codex-oauth: begin (PKCE, state, bind, URL) -> authorize -> callback -> exchange. */
async function withLibrary() {
  const login = await startBrowserLogin({ provider, fetch, port: 0 });
  await playBrowser(login.authorizeUrl);
  await login.result;
}

/** The same HTTP requests by hand: node:http callback server + Node's global fetch. */
async function bare() {
  const verifier = randomBytes(64).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(32).toString('base64url');
  let redirectUri = '';
  let done;
  const result = new Promise((resolve, reject) => (done = { resolve, reject }));
  const server = createServer(async (req, res) => {
    const code = new URL(req.url, 'http://127.0.0.1').searchParams.get('code');
    const body = new URLSearchParams([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', redirectUri],
      ['client_id', provider.clientId],
      ['code_verifier', verifier],
    ]);
    try {
      const response = await globalThis.fetch(provider.endpoints.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      const tokens = await response.json();
      res.writeHead(302, { location: '/success', connection: 'close' }).end();
      done.resolve(tokens);
    } catch (error) {
      res.writeHead(500).end();
      done.reject(error);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${server.address().port}/auth/callback`;
  const url = new URL(provider.endpoints.authorize);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    scope: provider.scope,
  })) {
    url.searchParams.set(k, v);
  }
  await playBrowser(url.href);
  await result;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const { ours: lib, baseline: base } = await measureSideBySide({
  ours: withLibrary,
  baseline: bare,
  runs: RUNS,
  warmup: WARMUP,
});
await fake.stop();
reportSideBySide({
  title: `browser sign-in, ${RUNS} runs each (Node ${process.version}, loopback fake issuer)`,
  bench: 'browser-signin',
  note: `${RUNS} runs each; authorize -> loopback callback -> exchange`,
  ours: { label: 'codex-oauth startBrowserLogin', ...lib },
  baseline: { label: 'bare node:http + fetch', ...base },
});
