// Refresh storm: N processes want a token from one expired auth.json at once. codex-oauth
// (`getAccessToken`) beside the same storm of real `codex doctor` processes (Codex CLI 0.169).
// Run from the repo root after building: see bench/README.md.
//
// The whole run happens inside one loopback-only network namespace (`unshare -n`, `-rn` when not
// root): this script re-executes itself there with `--inside`, so the fake issuer, our processes
// and Codex share a loopback that reaches no other host, and no port bridging is needed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { recordSummary } from './lib/summary.mjs';

const self = fileURLToPath(import.meta.url);
const root = dirname(dirname(self));
const args = process.argv.slice(2);
const SIZES = [1, 4, 16, 64, 128];
// `codex doctor` runs ~10 s offline (its reachability checks time out) and each is a 100+ MB
// native process: the Codex storm stops at 16 unless `--codex-max 64` is given.
const CODEX_MAX = Number(flagValue('--codex-max') ?? 16);
const CODEX_TIMEOUT_MS = 60_000;
const TWO_HOURS = 2 * 3600_000;
const OUR_ENV = { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined };
const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

function flagValue(flag) {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

if (args[0] === '--child') await child(args[1], args[2]);
else if (args[0] === '--floor-child') await floorChild(args[1]);
else if (args.includes('--inside')) await inside();
else outside();

/** Re-executes this script in a fresh network namespace whose only interface is its loopback. */
function outside() {
  for (const flags of [['-n'], ['-rn']]) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'ip link set lo up'], {
      stdio: 'ignore',
    });
    if (probe.status !== 0) continue;
    const script = 'ip link set lo up && exec "$@"';
    const inner = [process.execPath, self, '--inside', ...args];
    const run = spawnSync('unshare', [...flags, 'sh', '-c', script, 'sh', ...inner], {
      stdio: 'inherit',
    });
    process.exit(run.status ?? 1);
  }
  console.error('cannot run `unshare -n` with `ip link set lo up` (needs root or user namespaces,');
  console.error('and iproute2): the benchmark runs only inside a loopback-only namespace');
  process.exit(1);
}

/** One of our processes: ready -> go -> getAccessToken -> exit. Prints no token. */
async function child(issuer, codexHome) {
  const { getAccessToken } = await import('../packages/core/dist/index.js');
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  try {
    const { accessToken } = await getAccessToken({
      issuer,
      codexHome,
      storage: 'file',
      env: OUR_ENV,
    });
    process.stdout.write(`${createHash('sha256').update(accessToken).digest('hex')}\n`);
  } catch (error) {
    process.stdout.write(`error ${error?.code ?? 'unknown'}\n`);
  }
  process.exit(0);
}

/**
 * The floor's process: the same start (Node, core loaded, ready -> go) but then only what no
 * token can be had without, one read of auth.json, then exit.
 */
async function floorChild(codexHome) {
  await import('../packages/core/dist/index.js');
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const { readFile } = await import('node:fs/promises');
  const json = JSON.parse(await readFile(join(codexHome, 'auth.json'), 'utf8'));
  process.stdout.write(`${createHash('sha256').update(json.tokens.access_token).digest('hex')}\n`);
  process.exit(0);
}

/** One refresh request with a bare `node:http` POST from this (warm) process: the round trip. */
async function refreshRoundTrip(session) {
  const { request } = await import('node:http');
  const json = JSON.parse(readFileSync(join(session.home, 'auth.json'), 'utf8'));
  const body = JSON.stringify({
    client_id: session.fake.settings?.clientId ?? CODEX_CLIENT_ID,
    grant_type: 'refresh_token',
    refresh_token: json.tokens.refresh_token,
  });
  const t0 = performance.now();
  const status = await new Promise((resolve, reject) => {
    const req = request(`${session.fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode)));
    req.on('error', reject);
    req.end(body);
  });
  if (status !== 200) throw new Error(`the floor's refresh got HTTP ${status}`);
  return performance.now() - t0;
}

/** Path of the native Codex binary (as tools/test-support resolves it), or null. */
function codexBinary() {
  const key = `${process.platform}-${process.arch}`;
  const triple = {
    'linux-x64': 'x86_64-unknown-linux-musl',
    'linux-arm64': 'aarch64-unknown-linux-musl',
  }[key];
  try {
    const from = createRequire(join(root, 'tools/test-support/package.json'));
    const wrapper = from.resolve('@openai/codex/package.json');
    const platform = createRequire(wrapper).resolve(`@openai/codex-${key}/package.json`);
    const binary = join(dirname(platform), 'vendor', triple, 'bin', 'codex');
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** A fake issuer and a CODEX_HOME holding a device sign-in whose access token is expired. */
async function expiredSession() {
  const { startFakeIssuer } = await import('../packages/fake-issuer/dist/index.js');
  const { login } = await import('../packages/core/dist/index.js');
  let skew = -TWO_HOURS; // tokens minted now are two hours old by the real clock
  const fake = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    now: () => Date.now() + skew,
  });
  const home = mkdtempSync(join(tmpdir(), 'codex-oauth-storm-'));
  await login({
    codexHome: home,
    storage: 'file',
    issuer: fake.url,
    flow: 'device',
    interactive: true,
    env: OUR_ENV,
  });
  skew = 0; // refreshed tokens live an hour: one refresh is enough for everyone
  return { fake, home, from: fake.requests.length };
}

/** Refresh requests the issuer saw, how many it rejected, whether the file is whole. */
function outcome({ fake, home, from }) {
  const refreshes = fake.requests
    .slice(from)
    .filter((r) => r.path === '/oauth/token' && r.json?.grant_type === 'refresh_token');
  let file = 'ok';
  try {
    JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'));
  } catch {
    file = 'BROKEN';
  }
  return {
    requests: refreshes.length,
    rejected: refreshes.filter((r) => r.status !== 200).length,
    revoked: fake.issued.grants.some((g) => g.revoked !== null),
    file,
  };
}

/**
 * N processes started at once, released together once all are loaded; `startMs` from spawn and
 * `ms` from the release, both until every one exited.
 */
async function storm(n, childArgs) {
  const started = performance.now();
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, [self, ...childArgs], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
    }),
  );
  const exits = children.map((c) => new Promise((resolve) => c.on('exit', resolve)));
  const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
  await Promise.all(lines.map((l) => l.next())); // all loaded
  const t0 = performance.now();
  for (const c of children) c.stdin.write('go\n');
  const answers = await Promise.all(lines.map(async (l) => (await l.next()).value));
  await Promise.all(exits);
  const end = performance.now();
  return { answers, ms: end - t0, startMs: end - started };
}

async function oursStorm(n) {
  const session = await expiredSession();
  const { answers, ms, startMs } = await storm(n, ['--child', session.fake.url, session.home]);
  const result = {
    ...outcome(session),
    ms,
    startMs,
    failed: answers.filter((a) => a.startsWith('error')).length,
  };
  await session.fake.stop();
  rmSync(session.home, { recursive: true, force: true });
  return result;
}

/** The floor: N process starts + N reads of auth.json, plus one refresh round trip. */
async function floorStorm(n) {
  const session = await expiredSession();
  const { ms, startMs } = await storm(n, ['--floor-child', session.home]);
  const rtt = await refreshRoundTrip(session);
  await session.fake.stop();
  rmSync(session.home, { recursive: true, force: true });
  return { ms: ms + rtt, startMs: startMs + rtt, rtt };
}

async function codexStorm(n, binary) {
  const session = await expiredSession();
  const env = {
    PATH: process.env.PATH,
    HOME: session.home,
    CODEX_HOME: session.home,
    LANG: 'C.UTF-8',
    // A login we wrote carries no `oauth_provenance`: point Codex's refresh at the fake.
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${session.fake.url}/oauth/token`,
  };
  const t0 = performance.now();
  let timedOut = 0;
  await Promise.all(
    Array.from({ length: n }, () => {
      const c = spawn(binary, ['doctor', '--summary'], {
        env,
        cwd: tmpdir(),
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      c.stdin.end();
      const timer = setTimeout(() => {
        timedOut++;
        process.kill(-c.pid, 'SIGKILL');
      }, CODEX_TIMEOUT_MS);
      return new Promise((resolve) => c.on('exit', () => resolve(clearTimeout(timer))));
    }),
  );
  const ms = performance.now() - t0;
  // When the last refresh was answered: the storm's own cost, without doctor's offline checks.
  const refreshes = session.fake.requests.filter(
    (r, i) => i >= session.from && r.path === '/oauth/token',
  );
  const lastRefreshMs = refreshes.length
    ? Math.max(...refreshes.map((r) => r.time)) - (Date.now() - ms)
    : null;
  const result = { ...outcome(session), ms, timedOut, lastRefreshMs };
  await session.fake.stop();
  rmSync(session.home, { recursive: true, force: true });
  return result;
}

async function inside() {
  for (const dist of ['core', 'fake-issuer', 'store-file']) {
    if (!existsSync(join(root, `packages/${dist}/dist/index.js`))) {
      throw new Error(
        `build first: pnpm --filter @codex-oauth/${dist} build (see bench/README.md)`,
      );
    }
  }
  const binary = codexBinary();
  if (!binary) console.log('codex storm skipped: the @openai/codex binary is not installed');
  const rows = [];
  for (const [i, n] of SIZES.entries()) {
    // Alternate which goes first, so a drift in the machine's load favours neither.
    let ours;
    let floor;
    if (i % 2 === 0) {
      ours = await oursStorm(n);
      floor = await floorStorm(n);
    } else {
      floor = await floorStorm(n);
      ours = await oursStorm(n);
    }
    const codex = binary && n <= CODEX_MAX ? await codexStorm(n, binary) : null;
    rows.push({ n, ours, floor, codex });
  }
  print(rows, binary);
  summarise(rows, binary);
}

/** Headline figures for bench/run-all.mjs: requests and wall time per N (bench/lib/summary.mjs). */
function summarise(rows, binary) {
  for (const { n, ours, floor } of rows) {
    recordSummary({
      bench: 'refresh-storm',
      metric: `N=${n} wall vs floor`,
      ours: ours.startMs,
      baseline: floor.startMs,
      baselineName: 'the floor',
      unit: 'ms',
      note: `from spawn until all exited; from the release of loaded processes: ${(ours.ms / floor.ms).toFixed(2)}x (${Math.round(ours.ms)} / ${Math.round(floor.ms)} ms)`,
    });
  }
  for (const { n, ours, codex } of rows) {
    const missing = binary ? `Codex not run (N > --codex-max ${CODEX_MAX})` : 'no Codex binary';
    const outcome = codex
      ? `Codex: ${codex.rejected} rejected, grant ${codex.revoked ? 'revoked' : 'alive'}`
      : missing;
    recordSummary({
      bench: 'refresh-storm',
      metric: `N=${n} refresh requests`,
      ours: ours.requests,
      baseline: codex ? codex.requests : null,
      baselineName: 'codex doctor',
      unit: 'requests',
      note: `ours: ${ours.rejected} rejected, ${ours.failed} failed; ${outcome}`,
    });
    recordSummary({
      bench: 'refresh-storm',
      metric: `N=${n} wall time`,
      ours: ours.ms,
      baseline: codex ? codex.ms : null,
      baselineName: 'codex doctor',
      unit: 'ms',
      note: codex
        ? "not like for like: ours from the release of already loaded processes, Codex from spawn, with ~10 s of `codex doctor`'s offline checks (raw output: when Codex's last refresh landed)"
        : missing,
    });
  }
}

function print(rows, binary) {
  const pad = (s, w) => String(s).padEnd(w);
  const ms = (x) => (x === null || x === undefined ? '-' : `${Math.round(x)}`);
  console.log(
    `refresh storm: N processes, one expired auth.json (Node ${process.version}, Codex CLI 0.169 under unshare -n)`,
  );
  console.log(
    `  ${pad('N', 4)}| ${pad('ours ms', 9)}${pad('floor ms', 10)}${pad('ratio', 7)}| ${pad('after release: ours', 20)}${pad('floor', 7)}${pad('ratio', 7)}| refresh round trip ms`,
  );
  for (const { n, ours, floor } of rows) {
    console.log(
      `  ${pad(n, 4)}| ${pad(ms(ours.startMs), 9)}${pad(ms(floor.startMs), 10)}${pad(`${(ours.startMs / floor.startMs).toFixed(2)}x`, 7)}` +
        `| ${pad(ms(ours.ms), 20)}${pad(ms(floor.ms), 7)}${pad(`${(ours.ms / floor.ms).toFixed(2)}x`, 7)}| ${floor.rtt.toFixed(1)}`,
    );
  }
  console.log(
    '  floor: the same N processes (Node start, core loaded) that only read auth.json and exit, plus one bare',
  );
  console.log(
    '  node:http refresh round trip to the same issuer; wall from spawn until all exited (NODE_EXTRA_CA_CERTS unset)',
  );
  console.log(
    `  ${pad('N', 4)}| ${pad('ours: req', 10)}${pad('rej', 5)}${pad('failed', 8)}${pad('wall ms', 9)}${pad('file', 6)}` +
      `| ${pad('codex: req', 11)}${pad('rej', 5)}${pad('grant', 9)}${pad('wall ms', 9)}${pad('refresh ms', 11)}${pad('file', 6)}` +
      `| requests codex/ours`,
  );
  for (const { n, ours, codex } of rows) {
    const left =
      `  ${pad(n, 4)}| ${pad(ours.requests, 10)}${pad(ours.rejected, 5)}${pad(ours.failed, 8)}${pad(ms(ours.ms), 9)}` +
      `${pad(ours.file, 6)}`;
    const right = codex
      ? `| ${pad(codex.requests, 11)}${pad(codex.rejected, 5)}${pad(codex.revoked ? 'revoked' : 'alive', 9)}` +
        `${pad(ms(codex.ms) + (codex.timedOut ? `(${codex.timedOut}to)` : ''), 9)}${pad(ms(codex.lastRefreshMs), 11)}` +
        `${pad(codex.file, 6)}| ${(codex.requests / Math.max(1, ours.requests)).toFixed(0)}x`
      : `| ${binary ? `not run (N > --codex-max ${CODEX_MAX})` : 'no Codex binary'}`;
    console.log(left + right);
  }
  console.log(
    '  ours: wall from "go" (processes already loaded) until all exited; every process got a token unless "failed"',
  );
  console.log(
    "  codex: wall from spawn until all `codex doctor` exited (~10 s of it is doctor's offline reachability",
  );
  console.log('  checks); "refresh ms" is when the issuer saw the last refresh, from spawn');
}
