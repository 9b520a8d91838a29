import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_ACCOUNT, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanEnv, run } from '../src/run.js';
import { npmInstall, scratchProject } from '../src/scratch.js';

const tarballs = inject('tarballs');
const FIXTURES = join(import.meta.dirname, '../fixtures');
const libraries = Object.entries(tarballs)
  .filter(([name]) => name !== '@codex-oauth/cli')
  .map(([, file]) => file);
const scratchDirs: string[] = [];
let project: string;

beforeAll(() => {
  project = scratchProject('install');
  scratchDirs.push(project);
  // Every public tarball plus the CLI's: its `@codex-oauth/*` dependencies resolve to these files.
  const install = npmInstall(project, [...libraries, tarballs['@codex-oauth/cli']!]);
  console.log(`npm install of ${libraries.length + 1} tarballs: ${Math.round(install.ms)} ms`);
});
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs installed with npm in a scratch project outside the workspace', () => {
  it('builds store-file’s flock addon through its install script', () => {
    const addon = join(project, 'node_modules/@codex-oauth/store-file/build/Release');
    expect(existsSync(join(addon, 'codex_oauth_flock.node'))).toBe(true);
  });

  it('runs a host script: a device sign-in through the public session API', () => {
    cpSync(join(FIXTURES, 'host-script.mjs'), join(project, 'host-script.mjs'));
    const { stdout } = run(process.execPath, ['host-script.mjs'], { cwd: project });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(outcome).toEqual({
      email: DEFAULT_ACCOUNT.email,
      flowUsed: 'device_code',
      storageUsed: 'memory',
      stored: true,
      lockBackend: 'flock',
    });
  });

  it('runs the packed CLI: login --flow device, then status, against a local fake issuer', async () => {
    const fake = await startFakeIssuer({ deviceAutoApprove: true });
    const codexHome = mkdtempSync(join(tmpdir(), 'codex-oauth-cli-home-'));
    scratchDirs.push(codexHome);
    const cli = join(project, 'node_modules/.bin/codex-oauth');
    const exec = (args: string[]) =>
      promisify(execFile)(cli, [...args, '--codex-home', codexHome], {
        cwd: project,
        env: cleanEnv({ CODEX_OAUTH_ISSUER: fake.url, NO_COLOR: '1' }),
      });
    try {
      const help = await exec(['--help']);
      expect(help.stdout).toContain('Usage: codex-oauth');
      const login = await exec(['login', '--flow', 'device', '--no-open', '--json']);
      expect(JSON.parse(login.stdout)).toMatchObject({ email: DEFAULT_ACCOUNT.email });
      const status = await exec(['status', '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ email: DEFAULT_ACCOUNT.email });
      const auth = JSON.parse(readFileSync(join(codexHome, 'auth.json'), 'utf8'));
      expect(auth.tokens.access_token).toBe(fake.issued.grants[0]!.accessTokens.at(-1));
    } finally {
      await fake.stop();
    }
  });

  it('passes describeTokenStore from the packed core for a TokenStore written outside the repo', () => {
    const consumer = mkdtempSync(join(tmpdir(), 'codex-oauth-consumer-'));
    scratchDirs.push(consumer);
    cpSync(join(FIXTURES, 'consumer-store'), consumer, { recursive: true });
    // Core and the two packages it depends on, from the tarballs; vitest from the registry.
    const core = ['core', 'env-detect', 'net-ca'].map((n) => tarballs[`@codex-oauth/${n}`]!);
    const install = npmInstall(consumer, [...core, 'vitest@4.1.12']);
    console.log(`consumer fixture npm install: ${Math.round(install.ms)} ms`);
    const result = run(join(consumer, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], {
      cwd: consumer,
      env: { CI: '1', NO_COLOR: '1' },
      allowFailure: true,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/TokenStore conformance: json-dir/);
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });
});
