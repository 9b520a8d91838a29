#!/usr/bin/env node
// Probe of `codex app-server` external auth (chatgptAuthTokens), fully offline.
//
// Re-runs itself inside `unshare -n` (a network namespace with only loopback), starts a logging
// stand-in for the ChatGPT backend on 127.0.0.1 there, points `chatgpt_base_url` at it and drives
// the app-server over JSON-RPC on stdio. Prints every JSON-RPC message and every HTTP request.
//
//   node scripts/probe-app-server.mjs [--mode=M] [--flag] [--no-base] [--no-read]
//
// --mode: the stub's answer to workspace routing discovery (GET {chatgpt_base_url}/wham/accounts/check):
//   ok (default, accepted), refresh (401 for the first token, so Codex sends
//   account/chatgptAuthTokens/refresh and retries), 401, 404, minimal (the three required fields),
//   other (another account id), list (http origin), noorigin, bare, flatmap, nested (rejected shapes).
// --flag: pass chatgpt_base_url with `-c` instead of config.toml. --no-base: keep the default base
// (chatgpt.com, unreachable in the namespace: reproduces "workspace routing discovery failed").
// --no-read: skip account/read (discovery still runs).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = new Set(process.argv.slice(2));
const mode = [...args].find((a) => a.startsWith('--mode='))?.slice(7) ?? 'ok';

if (!process.env.PROBE_IN_NETNS) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'sh',
      process.execPath,
      self,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, PROBE_IN_NETNS: '1' } },
  );
  process.exit(r.status ?? 1);
}

function findCodex() {
  if (process.env.CODEX_BIN) return process.env.CODEX_BIN;
  const req = createRequire(
    join(dirname(fileURLToPath(import.meta.url)), '../../../tools/test-support/package.json'),
  );
  const wrapper = req.resolve('@openai/codex/package.json');
  const platform = createRequire(wrapper).resolve('@openai/codex-linux-x64/package.json');
  const bin = join(dirname(platform), 'vendor/x86_64-unknown-linux-musl/bin/codex');
  if (!existsSync(bin)) throw new Error('codex binary not found');
  return bin;
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
function fakeJwt(account, plan, email, expInS) {
  const now = Math.floor(Date.now() / 1000);
  return [
    b64({ alg: 'RS256', typ: 'JWT', kid: 'probe' }),
    b64({
      iss: 'https://auth.openai.com',
      aud: ['https://api.openai.com/v1'],
      sub: 'auth0|probe',
      iat: now,
      exp: now + expInS,
      'https://api.openai.com/auth': {
        chatgpt_plan_type: plan,
        chatgpt_account_id: account,
        chatgpt_user_id: 'user_probe_1',
      },
      'https://api.openai.com/profile': { email },
    }),
    randomBytes(32).toString('base64url'),
  ].join('.');
}
const ACCOUNT = '6f1c2d3e-probe-account';
const redact = (s) => s.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>');
const log = (tag, v) =>
  console.log(`[${tag}]`, redact(typeof v === 'string' ? v : JSON.stringify(v)));

// --- the logging ChatGPT-backend stub --------------------------------------------------------
let firstBearer;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const h = { ...req.headers };
    if (h.authorization)
      h.authorization = h.authorization.replace(/Bearer .*/, 'Bearer <redacted>');
    log('http', `${req.method} ${req.url} headers=${JSON.stringify(h)} body=${body.slice(0, 400)}`);
    const send = (status, json) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
      log('http<-', `${status} ${JSON.stringify(json)}`);
    };
    if (req.url.includes('/accounts/check')) {
      if (mode === '404') return send(404, { detail: 'not found' });
      if (mode === '401') return send(401, { detail: 'unauthorized' });
      // refresh: the first token Codex presents is rejected, so it asks us for a new one.
      firstBearer ??= req.headers.authorization;
      if (mode === 'refresh' && req.headers.authorization === firstBearer) {
        return send(401, { detail: 'token expired' });
      }
      const origin = `http://127.0.0.1:${server.address().port}`;
      const entry = {
        id: ACCOUNT,
        name: 'Probe Workspace',
        structure: 'personal',
        plan_type: 'pro',
        workspace_backend_origin: origin,
        account_routing_override: 'NO_CONSTRAINT',
        is_fedramp_compliant_workspace: false,
        is_deactivated: false,
      };
      const shapes = {
        ok: { accounts: [{ ...entry, workspace_backend_origin: 'https://127.0.0.1:1' }] },
        refresh: { accounts: [{ ...entry, workspace_backend_origin: 'https://127.0.0.1:1' }] },
        flatmap: { accounts: { [ACCOUNT]: entry }, account_ordering: [ACCOUNT] },
        list: { accounts: [entry], account_ordering: [ACCOUNT] },
        noorigin: {
          accounts: [{ ...entry, workspace_backend_origin: null }],
          account_ordering: [ACCOUNT],
        },
        bare: { accounts: [{ id: ACCOUNT }] },
        minimal: {
          accounts: [
            {
              id: ACCOUNT,
              workspace_backend_origin: 'https://127.0.0.1:1',
              account_routing_override: 'NO_CONSTRAINT',
            },
          ],
        },
        other: {
          accounts: [
            { ...entry, id: 'someone-else', workspace_backend_origin: 'https://127.0.0.1:1' },
          ],
        },
        https: {
          accounts: [{ ...entry, workspace_backend_origin: 'https://127.0.0.1:1' }],
          account_ordering: [ACCOUNT],
        },
        nested: { accounts: { [ACCOUNT]: { account: entry } }, account_ordering: [ACCOUNT] },
      };
      return send(200, shapes[mode]);
    }
    send(404, { detail: 'probe stub has no such route' });
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/backend-api/`;
log('probe', `stub at ${base}, mode=${mode}`);

// --- codex app-server ------------------------------------------------------------------------
const home = mkdtempSync(join(tmpdir(), 'probe-codex-home-'));
// --flag: pass the base URL with `-c` instead of config.toml (both work for app-server).
const viaFlag = args.has('--flag');
// --no-base: leave chatgpt_base_url at its default (https://chatgpt.com/backend-api/, unreachable here).
if (!viaFlag && !args.has('--no-base'))
  writeFileSync(join(home, 'config.toml'), `chatgpt_base_url = "${base}"\n`);
const codexArgs = viaFlag ? ['app-server', '-c', `chatgpt_base_url="${base}"`] : ['app-server'];
const child = spawn(findCodex(), codexArgs, {
  env: {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: home,
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  },
  stdio: ['pipe', 'pipe', 'pipe'],
});
child.stderr.setEncoding('utf8').on('data', (d) => log('stderr', d.trimEnd()));
let nextId = 1;
const pending = new Map();
const send = (msg) => {
  log('->', msg);
  child.stdin.write(`${JSON.stringify(msg)}\n`);
};
const request = (method, params) =>
  new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    send({ jsonrpc: '2.0', id, method, params });
  });
createInterface({ input: child.stdout }).on('line', (line) => {
  log('<-', line);
  const msg = JSON.parse(line);
  if (msg.id !== undefined && msg.method === undefined) pending.get(msg.id)?.(msg);
  if (msg.method === 'account/chatgptAuthTokens/refresh') {
    send({
      jsonrpc: '2.0',
      id: msg.id,
      result: {
        accessToken: fakeJwt(ACCOUNT, 'pro', 'probe@example.test', 3600),
        chatgptAccountId: ACCOUNT,
        chatgptPlanType: 'pro',
      },
    });
  }
});

const t0 = Date.now();
const stamp = (s) => log('probe', `${s} at +${Date.now() - t0} ms`);
await request('initialize', {
  clientInfo: { name: 'codex_oauth_probe', title: null, version: '0.0.0' },
  capabilities: { experimentalApi: true, requestAttestation: false },
});
send({ jsonrpc: '2.0', method: 'initialized' });
await request('account/login/start', {
  type: 'chatgptAuthTokens',
  accessToken: fakeJwt(ACCOUNT, 'pro', 'probe@example.test', 3600),
  chatgptAccountId: ACCOUNT,
  chatgptPlanType: 'pro',
});
stamp('login/start answered');
if (args.has('--no-read')) {
  await new Promise((r) => setTimeout(r, 3000));
} else {
  await request('account/read', {});
  stamp('account/read answered');
}
stamp('done');
child.kill('SIGTERM');
server.close();
setTimeout(() => process.exit(0), 500);
