import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/secret-scan.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/sign-in-run.mjs', import.meta.url));
const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

/** Run the scan over the fixture; `--no-tee` so the scan's own output is all we get back. */
function scan(dir: string, mode: string, extra: string[] = []) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        script,
        '--no-tee',
        '--log-root',
        dir,
        ...extra,
        '--',
        process.execPath,
        fixture,
        mode,
        join(dir, 'tokens.json'),
        dir,
      ],
      (error, stdout, stderr) => {
        resolve({ code: error ? (error.code as number) : 0, out: stdout + stderr });
      },
    );
  });
}

describe('scripts/secret-scan.mjs over a real fake issuer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secret-scan-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = () =>
    JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8')) as Record<string, string>;

  it('passes a clean run that minted secrets', async () => {
    const { code, out } = await scan(dir, 'clean');
    expect(code).toBe(0);
    expect(out).toMatch(/no secret found in the output/);
    // 3 tokens + device id + code + verifier (logged as device and PKCE verifier).
    expect(out).toMatch(/for 7 logged secret\(s\)/);
  });

  it('reports a leaked payload segment by kind, place and hash, without printing it', async () => {
    const { code, out } = await scan(dir, 'leak-payload');
    const access = tokens().access_token!;
    expect(code).toBe(2);
    expect(out).toContain(`stderr:2  access_token (payload segment)  #${hash(access)}`);
    expect(out).toContain('near: stderr | test/pretend.test.ts > signs in');
    for (const part of access.split('.').slice(1)) expect(out.includes(part)).toBe(false);
  });

  it('scans *.log files the run wrote', async () => {
    const { code, out } = await scan(dir, 'leak-log');
    const refresh = tokens().refresh_token!;
    expect(code).toBe(2);
    expect(out).toContain(`${join(dir, 'run.log')}:1  refresh_token  #${hash(refresh)}`);
    expect(out.includes(refresh)).toBe(false);
  });

  it('fails with exit 1 when the tests fail and nothing leaked', async () => {
    const { code, out } = await scan(dir, 'fail');
    expect(code).toBe(1);
    expect(out).toMatch(/no secret found, but the test run failed/);
  });

  it('fails with exit 3 when no secret was logged at all, unless --allow-empty', async () => {
    const quiet = [script, '--no-tee', '--log-root', dir, '--', process.execPath, '-e', '0'];
    const run = (args: string[]) =>
      new Promise<number | null>((resolve) =>
        execFile(process.execPath, args, (error) => resolve(error ? (error.code as number) : 0)),
      );
    expect(await run(quiet)).toBe(3);
    expect(await run([script, '--allow-empty', ...quiet.slice(1)])).toBe(0);
  });
});
