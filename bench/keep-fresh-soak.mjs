// Soak: `codex-oauth keep-fresh` runs while real Codex processes (`codex doctor`, which refreshes
// a due token proactively) start every few seconds, alternating Codex 0.169 and 0.171, for several
// token lifetimes. The issuer's tokens live a little longer than Codex's 5-minute window, so
// without keep-fresh every Codex process started in the last 5 minutes of a token would refresh.
// The figures: refresh requests by sender, rejections, the grant at the end. Nothing leaves the
// machine: everything runs in one loopback-only network namespace (lib/netns.mjs).
//
//   node bench/keep-fresh-soak.mjs [--ttl 420] [--window 360] [--lifetimes 3] [--every 5] [--control]
//
// `--control` runs the same Codex processes without keep-fresh: they must refresh once the token
// is within their 5-minute window, or the soak's "0 Codex refreshes" would prove nothing.
//
// Needs the built fake issuer and CLI (see bench/README.md).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CODEX_VERSIONS, codexBinaryOf } from './lib/codex-bin.mjs';
import { enterNetns } from './lib/netns.mjs';
import { recordSummary } from './lib/summary.mjs';

const self = fileURLToPath(import.meta.url);
const root = dirname(dirname(self));
const args = process.argv.slice(2);
const num = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const TTL_S = num('--ttl', 420); // 7 minutes: 2 longer than Codex's window
const WINDOW_S = num('--window', 360); // rotate with 6 minutes left: Codex never sees < 5
const LIFETIMES = num('--lifetimes', 3);
const EVERY_S = num('--every', 5);
const CLI = join(root, 'apps/cli/bin/codex-oauth.js');
// The control: the same Codex processes without keep-fresh, to show they do refresh a due token.
const CONTROL = args.includes('--control');

enterNetns(self, args);
await main();

async function main() {
  if (!existsSync(CLI) || !existsSync(join(root, 'packages/fake-issuer/dist/index.js'))) {
    throw new Error('build first: pnpm turbo run build --filter=@codex-oauth/cli...');
  }
  const binaries = CODEX_VERSIONS.map((v) => [v, codexBinaryOf(v)]).filter(([, b]) => b);
  if (binaries.length === 0) throw new Error('no Codex binary installed (tools/test-support)');
  const { startFakeIssuer } = await import('../packages/fake-issuer/dist/index.js');
  const fake = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    accessTokenTtlSeconds: TTL_S,
  });
  const home = mkdtempSync(join(tmpdir(), 'codex-oauth-soak-'));
  const codexEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: home,
    LANG: 'C.UTF-8',
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token`,
  };
  // Codex signs in (its own record, with oauth_provenance), as a user of both would.
  const signIn = await run(
    binaries[0][1],
    ['login', '--device-auth', '--experimental_issuer', fake.url],
    codexEnv,
  );
  if (signIn !== 0) throw new Error(`codex login failed (${signIn})`);
  const from = fake.requests.length;

  const keeper = CONTROL
    ? null
    : spawn(
        process.execPath,
        [CLI, 'keep-fresh', '--json', '--refresh-window', String(WINDOW_S), '--issuer', fake.url],
        {
          env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
  const events = [];
  if (keeper)
    createInterface({ input: keeper.stdout }).on('line', (line) => events.push(JSON.parse(line)));
  const keeperExit = keeper
    ? new Promise((resolve) => keeper.on('exit', (code) => resolve(code)))
    : null;

  const durationMs = LIFETIMES * TTL_S * 1000;
  const started = Date.now();
  const codexRuns = [];
  let n = 0;
  console.log(
    `soak${CONTROL ? ' CONTROL (no keep-fresh)' : ''}: tokens live ${TTL_S} s, keep-fresh window ${WINDOW_S} s, a Codex process every ${EVERY_S} s ` +
      `for ${LIFETIMES} lifetimes (${Math.round(durationMs / 60000)} min), Codex ${binaries.map(([v]) => v).join(' + ')}`,
  );
  while (Date.now() - started < durationMs) {
    const [version, binary] = binaries[n++ % binaries.length];
    codexRuns.push(
      run(binary, ['doctor', '--summary'], codexEnv, 60_000).then((code) => ({ version, code })),
    );
    if (n % 24 === 0) {
      const mins = ((Date.now() - started) / 60000).toFixed(1);
      console.log(
        `  ${mins} min: ${n} Codex processes started, ${tally(fake, from).codex} Codex refreshes so far`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, EVERY_S * 1000));
  }
  const exits = await Promise.all(codexRuns);
  keeper?.kill('SIGINT');
  const keeperCode = keeper ? await keeperExit : 'not run (--control)';
  const counts = tally(fake, from);
  const grant = fake.issued.grants.at(-1);
  const auth = JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'));
  const result = {
    minutes: (Date.now() - started) / 60000,
    lifetimes: (Date.now() - started) / 1000 / TTL_S,
    codexProcesses: exits.length,
    byVersion: Object.fromEntries(
      binaries.map(([v]) => [v, exits.filter((e) => e.version === v).length]),
    ),
    codexNonZeroExits: exits.filter((e) => e.code !== 0).length,
    ...counts,
    keepFreshRefreshed: events.filter((e) => e.event === 'refreshed').length,
    keepFreshRetries: events.filter((e) => e.event === 'retry').length,
    keepFreshErrors: events.filter((e) => e.event === 'error').length,
    keepFreshExit: keeperCode,
    grant: grant.revoked ? `revoked (${grant.revoked})` : 'alive',
    fileHoldsLiveToken: grant.refreshTokens.at(-1) === auth.tokens.refresh_token,
  };
  console.log(JSON.stringify(result, null, 2));
  if (CONTROL) {
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
    process.exit(0);
  }
  recordSummary({
    bench: 'keep-fresh-soak',
    metric: `Codex refresh requests over ${result.lifetimes.toFixed(1)} token lifetimes`,
    ours: counts.ours,
    baseline: counts.codex,
    baselineName: `${result.codexProcesses} codex doctor runs`,
    unit: 'requests',
    note: `rejected: ours ${counts.oursRejected}, codex ${counts.codexRejected}; grant ${result.grant}`,
  });
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
  process.exit(counts.codex === 0 && counts.oursRejected + counts.codexRejected === 0 ? 0 : 1);
}

/** Refresh requests since `from`, by sender (`codex-oauth/…` user agent is ours), and rejections. */
function tally(fake, from) {
  const refreshes = fake.requests
    .slice(from)
    .filter((r) => r.path === '/oauth/token' && r.json?.grant_type === 'refresh_token');
  const ours = refreshes.filter((r) => String(r.headers['user-agent']).startsWith('codex-oauth/'));
  const codex = refreshes.filter((r) => !ours.includes(r));
  return {
    ours: ours.length,
    oursRejected: ours.filter((r) => r.status !== 200).length,
    codex: codex.length,
    codexRejected: codex.filter((r) => r.status !== 200).length,
  };
}

/** Runs a command to its end (killing its group after `timeoutMs`); resolves with its exit code. */
function run(command, argv, env, timeoutMs = 60_000) {
  const child = spawn(command, argv, {
    env,
    cwd: tmpdir(),
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
}
