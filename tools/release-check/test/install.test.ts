import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_ACCOUNT, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { barePath, findOnPath } from '../src/bare-path.js';
import { type LocalRegistry, startLocalRegistry } from '../src/local-registry.js';
import { cleanEnv, run, runAsync } from '../src/run.js';
import { scratchProject } from '../src/scratch.js';

// The tarballs installed the way users will install the published packages: by name, from a
// registry (a local one on 127.0.0.1 serving only the `@codex-oauth` scope; every other dependency
// comes from the npm registry), with npm 11 and with pnpm 10, with a PATH that holds node and the
// package managers and no compiler, make or python3.

const tarballs = inject('tarballs');
const FIXTURES = join(import.meta.dirname, '../fixtures');
const COMPILERS = ['cc', 'gcc', 'make', 'python3'];
const scratchDirs: string[] = [];
let registry: LocalRegistry;
let path: string;

beforeAll(async () => {
  registry = await startLocalRegistry(tarballs);
  path = barePath();
  scratchDirs.push(join(path, '..'));
});
afterAll(async () => {
  await registry?.close();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** An empty project whose `.npmrc` sends the `@codex-oauth` scope to the local registry. */
function project(label: string): string {
  const dir = scratchProject(label);
  scratchDirs.push(dir);
  writeFileSync(
    join(dir, '.npmrc'),
    `${readFileSync(join(dir, '.npmrc'), 'utf8')}${registry.npmrc}`,
  );
  return dir;
}

/** The environment of every install and run: the bare PATH, a throwaway HOME for caches. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: path, NO_COLOR: '1', ...extra };
}

const PACKAGES = [
  '@codex-oauth/cli',
  '@codex-oauth/core',
  '@codex-oauth/store-file',
  '@codex-oauth/store-memory',
  '@codex-oauth/fake-issuer',
];

/** The flock addon loaded, and a real flock(2) the kernel lists in /proc/locks. */
async function expectKernelFlock(dir: string): Promise<void> {
  cpSync(join(FIXTURES, 'flock-holder.mjs'), join(dir, 'flock-holder.mjs'));
  const lockDir = mkdtempSync(join(tmpdir(), 'codex-oauth-lockdir-'));
  scratchDirs.push(lockDir);
  const child = spawn(process.execPath, ['flock-holder.mjs', lockDir], {
    cwd: dir,
    env: cleanEnv(env()),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const held = JSON.parse(line) as { backend: string; lock: string; ino: number };
    expect(held).toMatchObject({ backend: 'flock', lock: 'flock' });
    // /proc/locks: "1: FLOCK  ADVISORY  WRITE <pid> <major>:<minor>:<inode> 0 EOF".
    const locks = readFileSync('/proc/locks', 'utf8').split('\n');
    const ours = locks.filter((l) => l.includes(` ${child.pid} `) && l.includes(`:${held.ino} `));
    expect(ours, locks.join('\n')).toHaveLength(1);
    expect(ours[0]).toMatch(/\bFLOCK\s+ADVISORY\s+WRITE\b/);
  } finally {
    child.stdin.end('release\n');
    await once(child, 'exit');
  }
}

/** `login --flow device` then `status` with `cli` against a fresh fake issuer. */
async function signInWith(cli: string[], cwd: string): Promise<void> {
  const fake = await startFakeIssuer({ deviceAutoApprove: true });
  const codexHome = mkdtempSync(join(tmpdir(), 'codex-oauth-cli-home-'));
  scratchDirs.push(codexHome);
  const exec = (args: string[]) =>
    runAsync(cli[0]!, [...cli.slice(1), ...args, '--codex-home', codexHome], {
      cwd,
      env: env({ CODEX_OAUTH_ISSUER: fake.url }),
    });
  try {
    const login = await exec(['login', '--flow', 'device', '--no-open', '--json']);
    expect(JSON.parse(login.stdout)).toMatchObject({ email: DEFAULT_ACCOUNT.email });
    const status = await exec(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ email: DEFAULT_ACCOUNT.email, warnings: [] });
    const auth = JSON.parse(readFileSync(join(codexHome, 'auth.json'), 'utf8'));
    expect(auth.tokens.access_token).toBe(fake.issued.grants[0]!.accessTokens.at(-1));
  } finally {
    await fake.stop();
  }
}

/** What an install printed must not show a build: no node-gyp, no compiler, no skipped script. */
function expectNoBuild(output: string): void {
  expect(output).not.toMatch(/gyp|node-gyp|prebuild|approve-builds|Ignored build scripts/i);
}

describe('the PATH of every install below', () => {
  it('holds node and the package managers, and no compiler, make or python3', () => {
    expect(findOnPath(path, ['node', 'npm', 'npx', 'pnpm'])).toEqual([
      'node',
      'npm',
      'npx',
      'pnpm',
    ]);
    expect(findOnPath(path, COMPILERS)).toEqual([]);
  });
});

describe('npm 11: npm install by name in a project', () => {
  let dir: string;
  beforeAll(async () => {
    dir = project('npm');
    const install = await runAsync('npm', ['install', '--no-audit', '--no-fund', ...PACKAGES], {
      cwd: dir,
      env: env(),
    });
    console.log(`npm install of ${PACKAGES.length} packages: ${Math.round(install.ms)} ms`);
    expectNoBuild(`${install.stdout}${install.stderr}`);
  });

  it('built nothing: store-file has its prebuilds and no build directory', () => {
    const native = join(dir, 'node_modules/@codex-oauth/store-file/native');
    expect(existsSync(join(native, 'prebuilds/linux-x64/node.napi.glibc.node'))).toBe(true);
    expect(existsSync(join(native, 'build'))).toBe(false);
  });

  it('holds a real flock through the installed store-file', async () => {
    await expectKernelFlock(dir);
  });

  // smol-toml and ci-info's vendor table are bundled into dist/ at build time: they must not be
  // installed, and what they do must still work from the installed tarballs.
  it('parses config.toml and names the CI vendor with the bundled smol-toml and ci-info', async () => {
    expect(existsSync(join(dir, 'node_modules/smol-toml'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/ci-info'))).toBe(false);
    cpSync(join(FIXTURES, 'bundled-deps.mjs'), join(dir, 'bundled-deps.mjs'));
    const { stdout } = await runAsync(process.execPath, ['bundled-deps.mjs'], {
      cwd: dir,
      env: env(),
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      forcedLoginMethod: 'chatgpt',
      ciName: 'GitHub Actions',
    });
  });

  it('runs a host script: a device sign-in through the public session API', async () => {
    cpSync(join(FIXTURES, 'host-script.mjs'), join(dir, 'host-script.mjs'));
    const { stdout } = await runAsync(process.execPath, ['host-script.mjs'], {
      cwd: dir,
      env: env(),
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      email: DEFAULT_ACCOUNT.email,
      flowUsed: 'device_code',
      storageUsed: 'memory',
      stored: true,
      lockBackend: 'flock',
    });
  });

  it('npx codex-oauth --version, then a sign-in and status with the installed CLI', async () => {
    const version = await runAsync('npx', ['codex-oauth', '--version'], { cwd: dir, env: env() });
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(dir, 'node_modules/@codex-oauth/cli/package.json'), 'utf8'))
        .version,
    );
    await signInWith(['npx', 'codex-oauth'], dir);
  });
});

describe('npm 11: no project at all', () => {
  it('npx @codex-oauth/cli --version runs the CLI from the registry', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'codex-oauth-npx-'));
    const cache = mkdtempSync(join(tmpdir(), 'codex-oauth-npx-cache-'));
    scratchDirs.push(cwd, cache);
    const r = await runAsync('npx', ['--yes', '@codex-oauth/cli', '--version'], {
      cwd,
      env: env({ 'npm_config_@codex-oauth:registry': registry.url, npm_config_cache: cache }),
    });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('npm i -g @codex-oauth/cli puts codex-oauth on the PATH, and it signs in', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'codex-oauth-global-'));
    scratchDirs.push(prefix);
    const global = { 'npm_config_@codex-oauth:registry': registry.url, npm_config_prefix: prefix };
    const install = await runAsync(
      'npm',
      ['install', '-g', '--no-audit', '--no-fund', '@codex-oauth/cli'],
      {
        cwd: prefix,
        env: env(global),
      },
    );
    expectNoBuild(`${install.stdout}${install.stderr}`);
    const bin = join(prefix, 'bin', 'codex-oauth');
    expect((await runAsync(bin, ['--help'], { cwd: prefix, env: env() })).stdout).toContain(
      'Usage: codex-oauth',
    );
    await signInWith([bin], prefix);
  });
});

describe('pnpm 10: pnpm add by name, no approve-builds', () => {
  let dir: string;
  beforeAll(async () => {
    dir = project('pnpm');
    const install = await runAsync('pnpm', ['add', ...PACKAGES], {
      cwd: dir,
      env: env({ npm_config_store_dir: join(dir, '.pnpm-store') }),
    });
    console.log(`pnpm add of ${PACKAGES.length} packages: ${Math.round(install.ms)} ms`);
    expectNoBuild(`${install.stdout}${install.stderr}`);
  });

  it('holds a real flock through the installed store-file', async () => {
    await expectKernelFlock(dir);
  });

  it('pnpm exec codex-oauth --version, then a sign-in and status', async () => {
    const version = await runAsync('pnpm', ['exec', 'codex-oauth', '--version'], {
      cwd: dir,
      env: env(),
    });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    await signInWith(['pnpm', 'exec', 'codex-oauth'], dir);
  });
});

describe('a TokenStore written outside the repo', () => {
  it('passes describeTokenStore from the packed core', () => {
    const consumer = mkdtempSync(join(tmpdir(), 'codex-oauth-consumer-'));
    scratchDirs.push(consumer);
    cpSync(join(FIXTURES, 'consumer-store'), consumer, { recursive: true });
    // Core and the two packages it depends on, from the tarballs; vitest from the registry.
    const core = ['core', 'env-detect', 'net-ca'].map((n) => tarballs[`@codex-oauth/${n}`]!);
    const install = run('npm', ['install', '--no-audit', '--no-fund', ...core, 'vitest@4.1.12'], {
      cwd: consumer,
    });
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
