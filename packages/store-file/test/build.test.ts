import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from './children.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const noBuild = process.platform === 'win32' ? 'Windows builds no flock addon' : undefined;

// What a fresh clone does: the package's install script (`node native/build.mjs`) builds the
// addon from the shipped sources alone, offline, with an empty HOME (no node-gyp header cache).
describe.skipIf(noBuild)(`addon build from clean${noBuild ? ` (skipped: ${noBuild})` : ''}`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeAll(async () => {
    home = await tempHome();
  });
  afterAll(() => home.cleanup());

  it('runs the install script and the built addon takes a lock', async () => {
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
    expect(manifest.scripts.install).toBe('node native/build.mjs');
    const copy = join(home.dir, 'pkg');
    await mkdir(copy);
    for (const entry of manifest.files.filter((f: string) => f !== 'dist')) {
      await cp(join(packageDir, entry), join(copy, entry), { recursive: true });
    }
    await writeFile(join(copy, 'package.json'), JSON.stringify(manifest));
    const emptyHome = join(home.dir, 'home');
    await mkdir(emptyHome);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
    );
    const { code, stderr } = await runBuildScript(copy, { ...env, HOME: emptyHome });
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/failed|not found/);
    const addon = createRequire(import.meta.url)(
      join(copy, 'build/Release/codex_oauth_flock.node'),
    );
    const { openSync, closeSync } = await import('node:fs');
    const fd = openSync(join(home.dir, 'x.lock'), 'a+');
    expect(addon.tryLock(fd, true)).toBe(true);
    addon.unlock(fd);
    closeSync(fd);
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
    expect(code).toBe(0);
    expect(stderr).toContain('building the flock addon failed (no addon was written)');
  });
});

/** Runs the install script `native/build.mjs` in `cwd`; its exit code and what it said. */
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
