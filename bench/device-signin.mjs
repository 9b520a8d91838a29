// Full device sign-in against the fake issuer on loopback, with codex-oauth and without it.
// Run from the repo root after building: see bench/README.md.
import { openaiProfile, resolveFetch, startDeviceLogin } from '../packages/core/dist/index.js';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { measureSideBySide, reportSideBySide } from './lib/side-by-side.mjs';

const RUNS = Number(process.argv[2] ?? 200);
const WARMUP = 20;

// Auto-approve on the first poll and an interval of "0": the timings hold no polling sleep.
const fake = await startFakeIssuer({ deviceAutoApprove: true, deviceInterval: '0' });
const provider = openaiProfile({ issuer: fake.url, env: {} });
const fetch = resolveFetch({ env: {} });

/** codex-oauth: usercode -> poll (approved) -> exchange -> tokens. */
async function withLibrary() {
  const login = await startDeviceLogin({ provider, fetch });
  await login.result;
}

async function postJson(url, body) {
  const response = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  return { status: response.status, json };
}

/** The same HTTP requests by hand with Node's global fetch. */
async function bare() {
  const code = await postJson(provider.endpoints.deviceUserCode, { client_id: provider.clientId });
  if (code.status !== 200) throw new Error(`usercode answered ${code.status}`);
  const ids = { device_auth_id: code.json.device_auth_id, user_code: code.json.user_code };
  let grant;
  // 403/404 mean pending; the interval is 0, so poll again at once (as upstream does).
  for (;;) {
    grant = await postJson(provider.endpoints.deviceToken, ids);
    if (grant.status === 200) break;
    if (grant.status !== 403 && grant.status !== 404) {
      throw new Error(`device poll answered ${grant.status}`);
    }
  }
  const body = new URLSearchParams([
    ['grant_type', 'authorization_code'],
    ['code', grant.json.authorization_code],
    ['redirect_uri', provider.endpoints.deviceRedirect],
    ['client_id', provider.clientId],
    ['code_verifier', grant.json.code_verifier],
  ]);
  const response = await globalThis.fetch(provider.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const tokens = await response.json();
  if (response.status !== 200 || typeof tokens.access_token !== 'string') {
    throw new Error(`token exchange answered ${response.status}`);
  }
}

const { ours: lib, baseline: base } = await measureSideBySide({
  ours: withLibrary,
  baseline: bare,
  runs: RUNS,
  warmup: WARMUP,
});
await fake.stop();
reportSideBySide({
  title: `device sign-in, ${RUNS} runs each (Node ${process.version}, loopback fake issuer)`,
  bench: 'device-signin',
  note: `${RUNS} runs each; usercode -> poll -> exchange, no polling sleep`,
  ours: { label: 'codex-oauth startDeviceLogin', ...lib },
  baseline: { label: 'bare fetch', ...base },
});
