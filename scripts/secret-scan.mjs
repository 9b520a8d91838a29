#!/usr/bin/env node
// @ts-check
/**
 * Secret scan: run the whole test suite with the fake issuer logging every secret it mints
 * (CODEX_OAUTH_FAKE_ISSUER_SECRETS_LOG), stream and capture all of its stdout and stderr, then
 * fail when any of those secrets (or a JWT's payload or signature segment alone) appears in the
 * captured output or in a log file the run wrote. Reports where (stream and line, redacted line,
 * nearest test file), the kind and a short hash: never the secret.
 *
 *   node scripts/secret-scan.mjs [--no-tee] [--capture-dir DIR] [--allow-empty]
 *                                [--log-root DIR]... [-- COMMAND ARGS...]
 *
 * Default command: turbo run test --concurrency=2 --continue (through scripts/turbo.mjs, telemetry
 * off), without the release check
 * (every package's tests run even when one fails, so every output is scanned).
 * Exit 0: tests passed, nothing found; 1: the test run failed, nothing found; 2: secrets found (whatever the tests did); 3: the fake
 * issuers logged no secret at all, so the scan proved nothing (--allow-empty turns that off).
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findLeaks, formatFinding, indexPatterns } from '../tools/secret-scan/src/find-leaks.mjs';
import { findLogFiles, readTextFile } from '../tools/secret-scan/src/log-files.mjs';
import { buildPatterns, parseSecretsLog } from '../tools/secret-scan/src/patterns.mjs';
import { formatTally, tallyVitest } from '../tools/secret-scan/src/test-tally.mjs';

const SECRETS_LOG_ENV = 'CODEX_OAUTH_FAKE_ISSUER_SECRETS_LOG';
const DEFAULT_COMMAND = [
  'pnpm',
  'exec',
  'node',
  'scripts/turbo.mjs',
  'run',
  'test',
  '--concurrency=2',
  '--continue',
  // The release check installs tarballs from the npm registry: it runs on its own (pnpm release-check).
  '--filter=!@codex-oauth/release-check',
];
/** Enough findings to locate every leaking test; the rest are counted. */
const MAX_REPORTED = 50;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'no-tee': { type: 'boolean', default: false },
    'capture-dir': { type: 'string' },
    'allow-empty': { type: 'boolean', default: false },
    'log-root': { type: 'string', multiple: true },
  },
});
const command = positionals.length > 0 ? positionals : DEFAULT_COMMAND;
const say = (/** @type {string} */ line) => process.stdout.write(`secret-scan: ${line}\n`);

const work = mkdtempSync(join(tmpdir(), 'secret-scan-'));
// .tsv, not .log: the log-file scan below must not scan the list of secrets itself.
const secretsLog = join(work, 'issued-secrets.tsv');
writeFileSync(secretsLog, '');

say(`running ${command.join(' ')} (secrets logged to a temp file)`);
const started = Date.now();
/** @type {{ stdout: Buffer[], stderr: Buffer[] }} */
const captured = { stdout: [], stderr: [] };
const child = spawn(command[0] ?? 'pnpm', command.slice(1), {
  cwd: repoRoot,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    CI: 'true',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    [SECRETS_LOG_ENV]: secretsLog,
  },
});
for (const name of /** @type {const} */ (['stdout', 'stderr'])) {
  child[name].on('data', (/** @type {Buffer} */ chunk) => {
    captured[name].push(chunk);
    if (!values['no-tee']) process[name].write(chunk);
  });
}
// A CI timeout stops us with SIGTERM: pass it on so the suite does not outlive the scan.
process.once('SIGTERM', () => child.kill('SIGTERM'));
const exitCode = await new Promise((done) => {
  child.on('error', (error) => {
    say(`cannot start ${command[0]}: ${error.message}`);
    done(127);
  });
  child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
});
const seconds = Math.round((Date.now() - started) / 1000);

const logged = readFileSync(secretsLog, 'utf8');
// A scan inside a scanned run (this script's own test) hands its secrets to the outer scan too.
const outer = process.env[SECRETS_LOG_ENV];
if (outer && logged) appendFileSync(outer, logged);
rmSync(work, { recursive: true, force: true });
const secrets = parseSecretsLog(logged);
const patterns = buildPatterns(secrets);
const index = indexPatterns(patterns);

const texts = {
  stdout: Buffer.concat(captured.stdout).toString('utf8'),
  stderr: Buffer.concat(captured.stderr).toString('utf8'),
};
if (values['capture-dir']) {
  mkdirSync(values['capture-dir'], { recursive: true });
  writeFileSync(join(values['capture-dir'], 'stdout.txt'), texts.stdout);
  writeFileSync(join(values['capture-dir'], 'stderr.txt'), texts.stderr);
}
const findings = [
  ...findLeaks(texts.stdout, index, 'stdout'),
  ...findLeaks(texts.stderr, index, 'stderr'),
];
const logFiles = findLogFiles({
  roots: values['log-root'] ?? [repoRoot, tmpdir()],
  since: started,
});
for (const file of logFiles) {
  const text = readTextFile(file);
  if (text !== null) findings.push(...findLeaks(text, index, file));
}

const bytes = texts.stdout.length + texts.stderr.length;
// The last line CI reads: every package's vitest totals, added up.
const tally = tallyVitest(texts.stdout);
process.once('exit', () => {
  if (tally) process.stdout.write(`${formatTally(tally)}\n`);
});
say(
  `test run exited ${exitCode} after ${seconds} s; searched ${(bytes / 1e6).toFixed(1)} MB of ` +
    `output and ${logFiles.length} log file(s) for ${secrets.length} logged secret(s) ` +
    `(${patterns.length} patterns)`,
);
if (findings.length > 0) {
  const distinct = new Set(findings.map((f) => f.hash)).size;
  say(`FAIL: ${findings.length} occurrence(s) of ${distinct} secret(s) in the output:`);
  for (const finding of findings.slice(0, MAX_REPORTED))
    process.stdout.write(`${formatFinding(finding)}\n`);
  if (findings.length > MAX_REPORTED) say(`... and ${findings.length - MAX_REPORTED} more`);
  process.exit(2);
}
if (secrets.length === 0 && !values['allow-empty']) {
  say(`FAIL: no fake issuer logged a secret, so ${SECRETS_LOG_ENV} did not reach the tests`);
  process.exit(3);
}
say(exitCode === 0 ? 'no secret found in the output' : 'no secret found, but the test run failed');
process.exit(exitCode === 0 ? 0 : 1);
