import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The conformance suite must fail a broken store, and say why. It runs here as a user would run
// it: vitest in a child process over test/fixtures/broken-stores/broken.suite.ts, whose outcome
// is read from vitest's JSON report.
const FIXTURES = fileURLToPath(new URL('./fixtures/broken-stores/', import.meta.url));
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

interface Assertion {
  fullName: string;
  status: string;
  failureMessages: string[];
}

let results: Assertion[] = [];
let exitCode: number | null = null;

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'codex-oauth-broken-report-'));
  try {
    const report = join(out, 'report.json');
    const child = spawn(
      process.execPath,
      [
        VITEST,
        'run',
        '--config',
        join(FIXTURES, 'vitest.config.ts'),
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { cwd: FIXTURES, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    [exitCode] = (await once(child, 'exit')) as [number | null];
    const text = await readFile(report, 'utf8').catch(() => {
      throw new Error(`the child vitest wrote no report (exit ${exitCode}):\n${stderr}`);
    });
    const json = JSON.parse(text) as { testResults: { assertionResults: Assertion[] }[] };
    results = json.testResults.flatMap((file) => file.assertionResults);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 120_000);

/** The outcome of the suite test whose full name contains every part. */
function outcome(store: string, test: string): Assertion {
  const found = results.find(
    (result) => result.fullName.includes(`conformance: ${store}`) && result.fullName.includes(test),
  );
  if (!found) throw new Error(`no suite test "${test}" for ${store} in the child's report`);
  return found;
}

describe('the conformance suite fails a broken store, saying what is wrong', () => {
  it('the child vitest run fails', () => {
    expect(exitCode).not.toBe(0);
  });

  it('a driver whose compare-and-swap is not atomic', () => {
    for (const test of [
      'concurrent swaps from the same token',
      'two store instances on one backend',
    ]) {
      const result = outcome('non-atomic CAS', test);
      expect(result.status).toBe('failed');
      expect(result.failureMessages.join('\n')).toContain('the compare-and-swap is not atomic');
    }
    // The rest of the contract holds for it, so the failure points at the one fault.
    expect(outcome('non-atomic CAS', 'round-trips').status).toBe('passed');
  });

  it('a driver that throws a raw SyntaxError on damaged data', () => {
    const result = outcome('raw parse error', 'load() of unreadable data is STORE_CORRUPT');
    expect(result.status).toBe('failed');
    const message = result.failureMessages.join('\n');
    expect(message).toContain(
      'gave a raw SyntaxError, not a CodexOAuthError with code CODEX_OAUTH_STORE_CORRUPT',
    );
    expect(message).toContain('a driver must not throw raw parse errors');
    expect(outcome('raw parse error', 'lets exactly one').status).toBe('passed');
  });

  it('a hand-written store whose records print their tokens', () => {
    const result = outcome('plain copies', 'every loaded record show no token');
    expect(result.status).toBe('failed');
    expect(result.failureMessages.join('\n')).toContain(
      'a loaded record shows a secret in console.log',
    );
    expect(outcome('plain copies', 'lets exactly one').status).toBe('passed');
  });

  it('a store that claims crossProcessLock with a lock for one process only', () => {
    const result = outcome('in-process lock claimed as cross-process', 'excludes another process');
    expect(result.status).toBe('failed');
    expect(result.failureMessages.join('\n')).toContain(
      'let this process in while another process held the lock',
    );
  });
});
