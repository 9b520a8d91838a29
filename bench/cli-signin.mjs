// Browser and device sign-in end to end through the real `codex-oauth login` (process start to
// auth.json written and process exit) against the fake issuer on loopback, beside the issuer's own
// time: the same HTTP requests made by a bare client in this process (and, for the browser, the
// same stand-in browser), on Node 20 and Node 24 in the same run. Run from the repo root after
// building: see bench/README.md. `node bench/cli-signin.mjs [rounds]` (default 30).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openaiProfile } from '../packages/core/dist/index.js';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { node24 } from '../scripts/node24.mjs';
import { cpuSnapshot, load1, otherCores } from './lib/machine.mjs';
import { recordSummary } from './lib/summary.mjs';

const RUNS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30);
const WARMUP = 2;
// Issue 21's budget: the whole command at most this much above the issuer's own time.
const BUDGET_MS = 100;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/bin/codex-oauth.js');
// `--compare <bin>`: also signs in with another build of the CLI (its bin/codex-oauth.js, e.g. a
// worktree at an older commit) in the same rounds, so a before/after is measured side by side.
const compareAt = process.argv.indexOf('--compare');
const compare = compareAt === -1 ? null : process.argv[compareAt + 1];
if (!existsSync(join(root, 'apps/cli/dist/cli.cjs')))
  throw new Error('build the CLI first: pnpm turbo run build --filter=@codex-oauth/cli...');

// The stand-in browser: curl follows the authorize URL, the redirect to the loopback callback and
// the one to /success with plain HTTP, as a browser does once the user clicks "Continue". curl
// starts in a few ms, where a Node script would add its own start-up to both sides.
const BROWSER = 'curl -s -L -o /dev/null';

// The issuer answers from this process: everything below must stay asynchronous. Auto-approve
// answers the first device poll, so no poll interval is waited on either side.
const fake = await startFakeIssuer({ registeredPorts: 'any', deviceAutoApprove: true });
const provider = openaiProfile({ issuer: fake.url, env: {} });
const nodes = [
  ['node 20', process.execPath],
  ['node 24', node24()],
];
const homes = [];
// One cache directory for every run, as a user's machine keeps ~/.cache: Node 24 keeps the CLI's
// compile cache there (Node 20 has none), so runs after the warm-up measure a returning user.
const cacheHome = mkdtempSync(join(tmpdir(), 'codex-oauth-bench-cache-'));
homes.push(cacheHome);

// GNU time reports each child's CPU time (user + system, every thread, 10 ms ticks, averaged over
// the rounds): unlike wall time it hardly moves with the machine's load, and it is what the CLI
// itself spends while the issuer (in this process) answers.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(tmpdir(), `codex-oauth-bench-cpu-${process.pid}`);

/**
 * Spawns `command args`, resolving with its exit code, when it printed its first stdout byte and,
 * with `cpu`, its CPU time.
 */
function timedSpawn(command, args, env, cpu = false) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const startedWall = Date.now();
    const [file, argv] =
      cpu && TIME ? [TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args];
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed;
    let stderr = '';
    child.stdout.on('data', () => {
      printed ??= performance.now() - started;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exited = performance.now() - started;
      let cpuMs;
      if (cpu && TIME) {
        const [user, system] = readFileSync(cpuFile, 'utf8')
          .trim()
          .split(/\s+/)
          .slice(-2)
          .map(Number);
        cpuMs = (user + system) * 1000;
      }
      resolve({ code, stderr, printed, exited, startedWall, cpuMs });
    });
  });
}

/** `codex-oauth login --flow <flow>` on `node` in a fresh CODEX_HOME; times and a checked auth.json. */
async function cliLogin(node, flow, bin = cli) {
  const home = mkdtempSync(join(tmpdir(), 'codex-oauth-bench-signin-'));
  homes.push(home);
  // Only what the CLI needs: NODE_EXTRA_CA_CERTS (set in some shells) would add ~55 ms to Node 20.
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: home,
    XDG_CACHE_HOME: cacheHome,
    LANG: 'C.UTF-8',
    CODEX_OAUTH_ISSUER: fake.url,
    BROWSER,
  };
  const args =
    flow === 'browser'
      ? [bin, 'login', '--flow', 'browser', '--port', '0', '--json']
      : [bin, 'login', '--flow', 'device', '--no-open', '--json'];
  const run = await timedSpawn(node, args, env, true);
  if (run.code !== 0) throw new Error(`login --flow ${flow} exited ${run.code}: ${run.stderr}`);
  const authJson = join(home, 'auth.json');
  const auth = JSON.parse(readFileSync(authJson, 'utf8'));
  if (!fake.isLive(auth.tokens.refresh_token)) throw new Error('auth.json holds a dead grant');
  const written = statSync(authJson).mtimeMs - run.startedWall;
  rmSync(home, { recursive: true, force: true });
  return { exited: run.exited, printed: run.printed, written, cpuMs: run.cpuMs };
}

/** `node -e 0` on `node`: what any command pays before its first line runs. */
async function nodeStart(node) {
  const run = await timedSpawn(node, ['-e', '0'], { PATH: process.env.PATH }, true);
  return { exited: run.exited, cpuMs: run.cpuMs };
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function exchange(code, redirectUri, verifier) {
  const response = await fetch(provider.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', redirectUri],
      ['client_id', provider.clientId],
      ['code_verifier', verifier],
    ]).toString(),
  });
  const tokens = await response.json();
  if (response.status !== 200 || typeof tokens.access_token !== 'string') {
    throw new Error(`token exchange answered ${response.status}`);
  }
  return tokens;
}

/** The issuer's own time, browser: a bare callback server, the same curl, the same exchange. */
async function bareBrowser() {
  const started = performance.now();
  const verifier = randomBytes(64).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  let redirectUri = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/success') {
      res.writeHead(200, { 'content-type': 'text/html', connection: 'close' }).end('<p>Signed in');
      return;
    }
    try {
      await exchange(url.searchParams.get('code'), redirectUri, verifier);
      res.writeHead(302, { location: '/success', connection: 'close' }).end();
    } catch (error) {
      res.writeHead(500, { connection: 'close' }).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${server.address().port}/auth/callback`;
  const authorize = new URL(provider.endpoints.authorize);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(32).toString('base64url'),
    scope: provider.scope,
  })) {
    authorize.searchParams.set(k, v);
  }
  const [command, ...args] = BROWSER.split(' ');
  const browser = await timedSpawn(command, [...args, authorize.href], { PATH: process.env.PATH });
  if (browser.code !== 0) throw new Error(`the stand-in browser exited ${browser.code}`);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return { exited: performance.now() - started };
}

/** The issuer's own time, device: usercode, one poll (auto-approved), exchange. */
async function bareDevice() {
  const started = performance.now();
  const code = await postJson(provider.endpoints.deviceUserCode, { client_id: provider.clientId });
  if (code.status !== 200) throw new Error(`usercode answered ${code.status}`);
  const ids = { device_auth_id: code.json.device_auth_id, user_code: code.json.user_code };
  let grant;
  do {
    grant = await postJson(provider.endpoints.deviceToken, ids);
  } while (grant.status === 403 || grant.status === 404);
  if (grant.status !== 200) throw new Error(`device poll answered ${grant.status}`);
  await exchange(
    grant.json.authorization_code,
    provider.endpoints.deviceRedirect,
    grant.json.code_verifier,
  );
  return { exited: performance.now() - started };
}

const subjects = [
  { key: 'bare browser', run: bareBrowser },
  { key: 'bare device', run: bareDevice },
  ...nodes.flatMap(([name, node]) => [
    { key: `${name} -e 0`, run: () => nodeStart(node) },
    { key: `${name} login browser`, run: () => cliLogin(node, 'browser') },
    { key: `${name} login device`, run: () => cliLogin(node, 'device') },
    ...(compare
      ? [
          { key: `${name} compare browser`, run: () => cliLogin(node, 'browser', compare) },
          { key: `${name} compare device`, run: () => cliLogin(node, 'device', compare) },
        ]
      : []),
  ]),
];
const samples = new Map(subjects.map((s) => [s.key, []]));
const loadAtStart = load1();
const cpuAtStart = cpuSnapshot();
try {
  for (let round = 0; round < WARMUP + RUNS; round++) {
    // Rotated every round, so no subject always runs right after the same neighbour.
    const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]);
    for (const subject of order) {
      const result = await subject.run();
      if (round >= WARMUP) samples.get(subject.key).push(result);
    }
  }
} finally {
  await fake.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  rmSync(cpuFile, { force: true });
}
const others = otherCores(cpuAtStart, cpuSnapshot());

const median = (xs) => {
  const sorted = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const med = (key, field = 'exited') => median(samples.get(key).map((s) => s[field]));
const mean = (key, field) => {
  const xs = samples
    .get(key)
    .map((s) => s[field])
    .filter((x) => x !== undefined);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};
const ms = (x) => `${x.toFixed(1)} ms`;
const pad = (text, width) => String(text).padEnd(width);

console.log(
  `CLI sign-in end to end, median of ${RUNS} rounds (interleaved, rotated), fake issuer on loopback, ` +
    `stand-in browser \`${BROWSER}\``,
);
console.log(
  `  load: 1-minute load average ${loadAtStart} at the start; other processes kept ${others.toFixed(2)} cores busy on average`,
);
console.log(
  `  ${pad('', 10)}${pad('flow', 9)}${pad('CLI exit', 12)}${pad('auth.json', 12)}${pad('printed', 12)}` +
    `${pad("issuer's own", 14)}${pad('above it', 11)}${pad('node -e 0', 12)}${pad('CPU', 9)}${pad('-e 0 CPU', 10)}budget ${BUDGET_MS} ms`,
);
for (const [name] of nodes) {
  const start = med(`${name} -e 0`);
  for (const flow of compare ? ['compare browser', 'compare device'] : []) {
    const key = `${name} ${flow}`;
    const above = med(key) - med(`bare ${flow.slice(8)}`);
    console.log(
      `  ${pad(name, 10)}${pad(flow.slice(8), 9)}${pad(ms(med(key)), 12)}${pad(ms(med(key, 'written')), 12)}` +
        `${pad(ms(med(key, 'printed')), 12)}${pad('', 14)}${pad(ms(above), 11)}${pad('', 12)}` +
        `${pad(ms(mean(key, 'cpuMs')), 9)}${pad('', 10)}(--compare build)`,
    );
  }
  for (const flow of ['browser', 'device']) {
    const key = `${name} login ${flow}`;
    const issuer = med(`bare ${flow}`);
    const exited = med(key);
    const above = exited - issuer;
    console.log(
      `  ${pad(name, 10)}${pad(flow, 9)}${pad(ms(exited), 12)}${pad(ms(med(key, 'written')), 12)}` +
        `${pad(ms(med(key, 'printed')), 12)}${pad(ms(issuer), 14)}${pad(ms(above), 11)}` +
        `${pad(ms(start), 12)}${pad(ms(mean(key, 'cpuMs')), 9)}${pad(ms(mean(`${name} -e 0`, 'cpuMs')), 10)}` +
        `${above <= BUDGET_MS ? 'met' : 'NOT met'}`,
    );
    recordSummary({
      bench: 'cli-signin',
      metric: `\`login --flow ${flow}\`, start to exit, ${name}`,
      ours: exited,
      baseline: issuer,
      baselineName: `the same requests, bare`,
      unit: 'ms',
      note: `median of ${RUNS}; above the issuer's own time: ${above.toFixed(1)} ms (budget ${BUDGET_MS} ms); node -e 0 ${start.toFixed(1)} ms`,
    });
  }
}
console.log(
  "  (auth.json = when it was written, from its mtime; printed = the JSON result on stdout; issuer's own = the same requests made by a bare client in this process, the browser's with the same curl; CPU = the child's user + system time, mean, through /usr/bin/time, whose exec every child run pays alike)",
);
