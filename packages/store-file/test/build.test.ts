import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from './children.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const prebuilds = join(packageDir, 'native', 'prebuilds', 'linux-x64');
const require = createRequire(import.meta.url);
const notLinuxX64 =
  process.platform === 'linux' && process.arch === 'x64'
    ? undefined
    : 'prebuilds are made on linux-x64 only';
const noBuild = process.platform === 'win32' ? 'Windows builds no flock addon' : undefined;

/** Takes and drops a flock through `addon` on a fresh file: proves the binary really works. */
function takesALock(
  addon: { tryLock(fd: number, ex: boolean): boolean; unlock(fd: number): void },
  dir: string,
) {
  const fd = openSync(join(dir, 'x.lock'), 'a+');
  try {
    expect(addon.tryLock(fd, true)).toBe(true);
    addon.unlock(fd);
  } finally {
    closeSync(fd);
  }
}

// The manifest is what npm and pnpm act on: any install script, or a binding.gyp at the root
// (npm then runs `node-gyp rebuild` by itself), would bring back the compiler on every install.
describe('the package installs without building anything', () => {
  it('has no install script and no root binding.gyp, and ships the prebuilds', async () => {
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
    for (const hook of ['preinstall', 'install', 'postinstall']) {
      expect(manifest.scripts[hook], hook).toBeUndefined();
    }
    expect(manifest.files).not.toContain('binding.gyp');
    expect(manifest.files).toContain('native/prebuilds');
    expect(manifest.dependencies['node-gyp-build']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

// `pnpm build` ran native/prebuild.mjs before these tests (turbo: test depends on build).
describe.skipIf(notLinuxX64)(`prebuilds${notLinuxX64 ? ` (skipped: ${notLinuxX64})` : ''}`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeAll(async () => {
    home = await tempHome();
  });
  afterAll(() => home.cleanup());

  it('holds one Node-API binary per libc, glibc and musl', async () => {
    expect((await readdir(prebuilds)).sort()).toEqual([
      'node.napi.glibc.node',
      'node.napi.musl.node',
    ]);
    const needed = (file: string) =>
      execFileSync('readelf', ['-d', join(prebuilds, file)], { encoding: 'utf8' });
    expect(needed('node.napi.glibc.node')).toContain('[libc.so.6]');
    // musl's loader serves any `libc.so` request itself; a glibc soname would not load there.
    expect(needed('node.napi.musl.node')).toMatch(/\[libc\.so\]/);
    expect(needed('node.napi.musl.node')).not.toContain('libc.so.6');
  });

  it('node-gyp-build picks the glibc prebuild here, and it takes a lock', () => {
    const load = require('node-gyp-build') as { resolve(dir: string): string } & ((
      dir: string,
    ) => never);
    expect(load.resolve(join(packageDir, 'native'))).toBe(join(prebuilds, 'node.napi.glibc.node'));
    takesALock(require(join(prebuilds, 'node.napi.glibc.node')), home.dir);
  });

  it('on musl (LIBC=musl, as node-gyp-build sets on Alpine) the musl prebuild is chosen', async () => {
    const child = spawn(
      process.execPath,
      ['-p', `require('node-gyp-build').resolve(${JSON.stringify(join(packageDir, 'native'))})`],
      {
        cwd: packageDir,
        env: { ...process.env, LIBC: 'musl' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await once(child, 'exit');
    expect(out.trim()).toBe(join(prebuilds, 'node.napi.musl.node'));
  });
});

describe.skipIf(notLinuxX64)(
  `no matching prebuild${notLinuxX64 ? ` (skipped: ${notLinuxX64})` : ''}`,
  () => {
    // node-gyp-build reads the platform from npm_config_platform, so this is what a darwin install
    // without a source build sees: the portable lock file, and the one command that fixes it.
    it('falls back to the lock file and names the command that builds the addon', async () => {
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const m = await import('./dist/index.js'); console.log(JSON.stringify(m.lockBackend()));",
        ],
        {
          cwd: packageDir,
          env: { ...process.env, npm_config_platform: 'darwin' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await once(child, 'exit');
      const backend = JSON.parse(out) as { kind: string; reason: string };
      expect(backend.kind).toBe('lockfile');
      expect(backend.reason).toContain('platform=darwin');
      expect(backend.reason).toContain(`node ${join(packageDir, 'native', 'build.mjs')}`);
    });
  },
);

// Where no prebuild fits (darwin, linux-arm64) the fallback warning names `native/build.mjs`:
// it builds from the shipped sources alone, offline, with an empty HOME (no node-gyp cache).
describe.skipIf(noBuild)(`build from source${noBuild ? ` (skipped: ${noBuild})` : ''}`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeAll(async () => {
    home = await tempHome();
  });
  afterAll(() => home.cleanup());

  it('native/build.mjs builds the addon from the shipped files, and node-gyp-build prefers it', async () => {
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
    const copy = join(home.dir, 'pkg');
    for (const entry of manifest.files.filter((f: string) => f.startsWith('native/'))) {
      await cp(join(packageDir, entry), join(copy, entry), { recursive: true });
    }
    const emptyHome = join(home.dir, 'home');
    await mkdir(emptyHome);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
    );
    const { code, stderr } = await runBuildScript(copy, { ...env, HOME: emptyHome });
    expect(code, stderr).toBe(0);
    const built = join(copy, 'native/build/Release/codex_oauth_flock.node');
    const load = require('node-gyp-build') as { resolve(dir: string): string };
    expect(load.resolve(join(copy, 'native'))).toBe(built);
    takesALock(require(built), home.dir);
  }, 120_000);

  it('a node-gyp that exits 0 without building is reported as a failed build', async () => {
    const copy = join(home.dir, 'noop');
    await mkdir(join(copy, 'native'), { recursive: true });
    await cp(join(packageDir, 'native', 'build.mjs'), join(copy, 'native', 'build.mjs'));
    // What npm's node-gyp-bin shim amounts to when npm_config_node_gyp points nowhere useful.
    const noop = join(home.dir, 'noop-node-gyp.js');
    await writeFile(noop, 'process.exit(0);\n');
    const { code, stderr } = await runBuildScript(copy, {
      PATH: process.env.PATH ?? '',
      HOME: home.dir,
      npm_config_node_gyp: noop,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('building the flock addon failed (no addon was written)');
  });
});

/** Runs `native/build.mjs` in `cwd`; its exit code and what it said. */
async function runBuildScript(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['native/build.mjs'], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}
