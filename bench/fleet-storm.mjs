// Fleet storm: 4 host processes, each with 16 concurrent getAccessToken() calls, on one expired
// record kept in Redis (@codex-oauth/store-redis), beside the same storm on one auth.json
// (@codex-oauth/store-file). Prints the refresh requests the issuer saw and the wall time from
// "go" to the last answer (process start-up excluded), side by side. Everything binds 127.0.0.1:
// a private redis-server (no persistence) and @codex-oauth/fake-issuer.
// Run from the repo root after building: see bench/README.md.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { recordSummary } from './lib/summary.mjs';

const self = fileURLToPath(import.meta.url);
const root = dirname(dirname(self));
const dist = (pkg) => join(root, 'packages', pkg, 'dist', 'index.js');
const PROCESSES = 4;
const CALLS = 16;
const ROUNDS = Number(process.argv[2] ?? 7);
// The fake issuer's tokens live 60 s; an explicit 5-minute window makes each minted one due at
// once (the default window is at most half a token's lifetime).
const ENV = {
  CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '300',
  CODEX_HOME: undefined,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
};

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();

/** One host process: ready -> go -> CALLS concurrent getAccessToken -> one summary line. */
async function child([kind, issuer, where, key]) {
  const { getAccessToken } = await import(dist('core'));
  const store =
    kind === 'redis'
      ? (await import(dist('store-redis'))).redisStore({ url: where, key })
      : (await import(dist('store-file'))).fileStore({ codexHome: where });
  // A host instance has its store connected long before a storm: both kinds read once first, so
  // the storm times coordination, not loading node-redis or opening the first connection.
  await store.load();
  const lines = createInterface({ input: process.stdin });
  console.log('ready');
  await new Promise((resolve) => lines.once('line', resolve));
  const outcomes = await Promise.allSettled(
    Array.from({ length: CALLS }, () => getAccessToken({ issuer, store, env: ENV })),
  );
  const tokens = new Set(
    outcomes.flatMap((o) =>
      o.status === 'fulfilled'
        ? [createHash('sha256').update(o.value.accessToken).digest('hex')]
        : [],
    ),
  );
  const rejected = outcomes.filter((o) => o.status === 'rejected').length;
  for (const o of outcomes)
    if (o.status === 'rejected') console.error(`rejected: ${o.reason?.code}`);
  console.log(JSON.stringify({ rejected, tokens: [...tokens] }));
  lines.close();
  await store.dispose?.();
}

async function main() {
  const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!redisServer) {
    console.log(
      'fleet-storm: skipped (redis-server is not installed: apt-get install -y redis-server)',
    );
    return;
  }
  const { startFakeIssuer } = await import(dist('fake-issuer'));
  const { login } = await import(dist('core'));
  const { redisStore } = await import(dist('store-redis'));
  const { fileStore } = await import(dist('store-file'));

  const dir = mkdtempSync(join(tmpdir(), 'codex-oauth-fleet-bench-'));
  const port = await freePort();
  const redis = spawn(
    redisServer,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  // Every token this issuer mints is already due, so each round's sign-in starts a storm.
  const fake = await startFakeIssuer({ registeredPorts: 'any', accessTokenTtlSeconds: 60 });
  const results = { redis: [], file: [] };
  try {
    await waitForRedis(redisStore, url);
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which storm goes first, so neither always runs on a warmer machine.
      const order = round % 2 === 0 ? ['redis', 'file'] : ['file', 'redis'];
      for (const kind of order) {
        const key = `codex-oauth:bench:${round}`;
        const home = mkdtempSync(join(dir, `home-${round}-`));
        const seed = kind === 'redis' ? redisStore({ url, key }) : fileStore({ codexHome: home });
        await login({
          issuer: fake.url,
          store: seed,
          env: ENV,
          flow: 'browser',
          interactive: true,
          port: 0,
          openBrowser: async (authorize) => {
            const callback = await fake.authorize(authorize);
            await (await fetch(callback)).text();
          },
        });
        await seed.dispose?.();
        results[kind].push(await storm(kind, fake, kind === 'redis' ? url : home, key));
      }
    }
  } finally {
    await fake.stop();
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

/** One storm: PROCESSES children, timed from "go" to the last answer. */
async function storm(kind, fake, where, key) {
  const before = refreshes(fake);
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, [self, '--child', kind, fake.url, where, key], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const readers = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
  await Promise.all(readers.map((r) => r.next())); // every child is loaded and says "ready"
  const t0 = performance.now();
  for (const c of children) c.stdin.write('go\n');
  const answers = await Promise.all(readers.map(async (r) => JSON.parse((await r.next()).value)));
  const ms = performance.now() - t0;
  for (const c of children) c.stdin.end();
  const tokens = new Set(answers.flatMap((a) => a.tokens));
  return {
    ms,
    requests: refreshes(fake) - before,
    rejected: answers.reduce((sum, a) => sum + a.rejected, 0),
    sameToken: tokens.size === 1,
  };
}

function refreshes(fake) {
  return fake.requests.filter(
    (r) => r.path === '/oauth/token' && r.json?.grant_type === 'refresh_token',
  ).length;
}

function report(results) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = Object.entries(results).map(([kind, runs]) => ({
    label: kind === 'redis' ? 'store-redis (one Redis key)' : 'store-file (one auth.json)',
    requests: runs.reduce((sum, r) => sum + r.requests, 0) / runs.length,
    rejected: runs.reduce((sum, r) => sum + r.rejected, 0),
    same: runs.every((r) => r.sameToken),
    median: median(runs.map((r) => r.ms)),
    max: Math.max(...runs.map((r) => r.ms)),
  }));
  const [ours, baseline] = rows;
  console.log(
    `fleet storm: ${PROCESSES} processes x ${CALLS} concurrent getAccessToken() on one expired record, ${ROUNDS} rounds each`,
  );
  console.log(`  ${''.padEnd(29)} refreshes/storm  rejected  one token  wall median  wall max`);
  for (const row of rows) {
    console.log(
      `  ${row.label.padEnd(29)} ${String(row.requests).padEnd(16)} ${String(row.rejected).padEnd(9)} ${(row.same ? 'yes' : 'NO').padEnd(10)} ${`${row.median.toFixed(1)} ms`.padEnd(12)} ${row.max.toFixed(1)} ms`,
    );
  }
  console.log(
    `  ${'ratio (wall median)'.padEnd(29)} ${(ours.median / baseline.median).toFixed(2)}x`,
  );
  recordSummary({
    bench: 'fleet-storm',
    metric: `refreshes for ${PROCESSES}x${CALLS} calls`,
    ours: ours.requests,
    baseline: baseline.requests,
    baselineName: 'store-file',
    unit: 'requests',
  });
  recordSummary({
    bench: 'fleet-storm',
    metric: 'storm wall median',
    ours: ours.median,
    baseline: baseline.median,
    baselineName: 'store-file',
    unit: 'ms',
    note: 'from "go" to the last of 64 answers; process start-up excluded',
  });
  if (rows.some((row) => row.rejected > 0 || !row.same || row.requests !== 1)) process.exitCode = 1;
}

async function waitForRedis(redisStore, url) {
  const probe = redisStore({ url, key: 'codex-oauth:bench:probe' });
  for (let i = 0; ; i++) {
    try {
      await probe.load();
      break;
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await probe.dispose();
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
