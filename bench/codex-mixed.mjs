// Mixed refresh storm: 8 of our processes (`getAccessToken`) and 1 real Codex process
// (`codex doctor`, which refreshes a due token) on ONE expired auth.json, for each installed Codex
// version, 10 rounds each. Ours are released the moment Codex's refresh reaches the issuer: the
// contended moment (Codex has spent the token and waits for auth.lock to write the answer).
// Figures per version: rounds in which any of ours failed, rounds in which the grant survived.
// Nothing leaves the machine: one loopback-only network namespace (lib/netns.mjs).
//
//   node bench/codex-mixed.mjs [--rounds 10] [--ours 8] [--codex 1] [--release codex-post|spawn]
//
// Needs the built core and fake issuer (see bench/README.md).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CODEX_VERSIONS, codexBinaryOf } from './lib/codex-bin.mjs';
import { enterNetns } from './lib/netns.mjs';
import { recordSummary } from './lib/summary.mjs';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const num = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROUNDS = num('--rounds', 10);
const OURS = num('--ours', 8);
const CODEX = num('--codex', 1);
// `codex-post` (default): ours go the moment Codex's refresh reaches the issuer, the contended
// moment. `spawn`: ours go when Codex is spawned, as processes started together would.
const RELEASE = args.includes('--release') ? args[args.indexOf('--release') + 1] : 'codex-post';
const TWO_HOURS = 2 * 3600_000;
const OUR_ENV = {
  CODEX_HOME: undefined,
  CODEX_OAUTH_ISSUER: undefined,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
  CODEX_OAUTH_REFRESH_WINDOW_SECONDS: undefined,
};

if (args[0] === '--child') await child(args[1], args[2]);
else {
  enterNetns(self, args);
  await main();
}

/** One of our processes: "ready", wait for a line, getAccessToken, print one JSON line, exit. */
async function child(issuer, codexHome) {
  const { getAccessToken } = await import('../packages/core/dist/index.js');
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  let line;
  try {
    const { accessToken } = await getAccessToken({
      issuer,
      codexHome,
      storage: 'file',
      env: OUR_ENV,
    });
    line = { ok: true, sha256: createHash('sha256').update(accessToken).digest('hex') };
  } catch (error) {
    line = { ok: false, code: error?.code ?? 'unknown' };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.exit(0);
}

async function main() {
  const { startFakeIssuer } = await import('../packages/fake-issuer/dist/index.js');
  const { login } = await import('../packages/core/dist/index.js');
  const summary = [];
  for (const version of CODEX_VERSIONS) {
    const binary = codexBinaryOf(version);
    if (!binary) {
      console.log(`Codex ${version}: not installed, skipped`);
      continue;
    }
    let skew = 0;
    const fake = await startFakeIssuer({
      deviceAutoApprove: true,
      deviceInterval: '0',
      now: () => Date.now() + skew,
    });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const home = mkdtempSync(join(tmpdir(), 'codex-oauth-mixed-'));
      skew = -TWO_HOURS; // the sign-in's tokens are born expired
      await login({
        codexHome: home,
        storage: 'file',
        issuer: fake.url,
        flow: 'device',
        interactive: true,
        env: OUR_ENV,
      });
      skew = 0;
      const grant = fake.issued.grants.at(-1);
      const from = fake.requests.length;
      rounds.push(await round(fake, home, binary, grant, from));
      rmSync(home, { recursive: true, force: true });
    }
    await fake.stop();
    const failedRounds = rounds.filter((r) => r.ourFailures > 0).length;
    const survived = rounds.filter((r) => r.grantAlive).length;
    const row = {
      version,
      rounds: rounds.length,
      roundsWithAFailureOfOurs: failedRounds,
      ourFailures: rounds.reduce((n, r) => n + r.ourFailures, 0),
      failureCodes: [...new Set(rounds.flatMap((r) => r.codes))],
      grantSurvived: survived,
      contended: rounds.filter((r) => r.contended).length,
      refreshes: {
        ours: rounds.reduce((n, r) => n + r.ours, 0),
        oursRejected: rounds.reduce((n, r) => n + r.oursRejected, 0),
        codex: rounds.reduce((n, r) => n + r.codex, 0),
        codexRejected: rounds.reduce((n, r) => n + r.codexRejected, 0),
      },
      filesWhole: rounds.filter((r) => r.fileWhole).length,
    };
    summary.push(row);
    console.log(JSON.stringify(row));
    recordSummary({
      bench: 'codex-mixed',
      metric: `${OURS} ours + ${CODEX} Codex ${version} (release at ${RELEASE}): rounds with a failure of ours`,
      ours: failedRounds,
      baseline: rounds.length,
      baselineName: 'rounds',
      unit: 'rounds',
      note: `grant survived ${survived}/${rounds.length}`,
    });
  }
  console.log(
    `\n${OURS} of ours + ${CODEX} Codex on one expired auth.json, ${ROUNDS} rounds per version`,
  );
  console.log(
    '| Codex | rounds where one of ours failed | grant survives | refresh requests ours / Codex (rejected) |',
  );
  console.log('|---|---|---|---|');
  for (const r of summary) {
    const f = r.refreshes;
    console.log(
      `| ${r.version} | ${r.roundsWithAFailureOfOurs}/${r.rounds} | ${r.grantSurvived}/${r.rounds} | ` +
        `${f.ours} (${f.oursRejected}) / ${f.codex} (${f.codexRejected}) |`,
    );
  }
  process.exit(summary.some((r) => r.ourFailures > 0) ? 1 : 0);
}

async function round(fake, home, binary, grant, from) {
  const children = Array.from({ length: OURS }, () => {
    const c = spawn(process.execPath, [self, '--child', fake.url, home], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: c.stdout })[Symbol.asyncIterator]();
    return { c, lines, exit: new Promise((resolve) => c.on('exit', resolve)) };
  });
  await Promise.all(children.map((x) => x.lines.next())); // all loaded and waiting
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: home,
    LANG: 'C.UTF-8',
    // A login we wrote carries no oauth_provenance: point Codex's refresh at the fake.
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token`,
  };
  let doctorsDone = false;
  const doctors = Promise.all(
    Array.from({ length: CODEX }, () => run(binary, ['doctor', '--summary'], env)),
  ).finally(() => {
    doctorsDone = true;
  });
  const codexSent = () =>
    fake.requests
      .slice(from)
      .some(
        (r) =>
          r.path === '/oauth/token' && !String(r.headers['user-agent']).startsWith('codex-oauth/'),
      );
  while (RELEASE === 'codex-post' && !doctorsDone && !codexSent()) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const contended = !doctorsDone;
  for (const x of children) x.c.stdin.write('go\n');
  const answers = await Promise.all(
    children.map(async (x) => JSON.parse((await x.lines.next()).value)),
  );
  await Promise.all(children.map((x) => x.exit));
  await doctors;
  const refreshes = fake.requests
    .slice(from)
    .filter((r) => r.path === '/oauth/token' && r.json?.grant_type === 'refresh_token');
  const ours = refreshes.filter((r) => String(r.headers['user-agent']).startsWith('codex-oauth/'));
  const codex = refreshes.filter((r) => !ours.includes(r));
  let fileWhole = true;
  try {
    JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'));
  } catch {
    fileWhole = false;
  }
  return {
    contended,
    ourFailures: answers.filter((a) => !a.ok).length,
    codes: answers.filter((a) => !a.ok).map((a) => a.code),
    grantAlive: grant.revoked === null,
    ours: ours.length,
    oursRejected: ours.filter((r) => r.status !== 200).length,
    codex: codex.length,
    codexRejected: codex.filter((r) => r.status !== 200).length,
    fileWhole,
  };
}

/** Runs a command to its end (its group killed after 60 s); resolves with its exit code. */
function run(command, argv, env) {
  const c = spawn(command, argv, {
    env,
    cwd: tmpdir(),
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const timer = setTimeout(() => process.kill(-c.pid, 'SIGKILL'), 60_000);
  return new Promise((resolve) =>
    c.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
}
