import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheDir } from '../src/launcher/cache-dir.js';
import { CLI, type CliResult, cliEnv, removeDir, tempHome } from './helpers.js';

// The code cache of the CLI's bundles (src/launcher/bundle-loader.ts), seen from outside: what
// a run writes, that a second run uses it, and that no failure of it changes what the CLI does.
// Each test runs its own copy of dist/, so it may edit the bundles.

let dir: string;
let cli: string;
let cacheRoot: string;
beforeEach(async () => {
  dir = await tempHome();
  cli = join(dir, 'dist', 'cli.cjs');
  await cp(dirname(CLI), join(dir, 'dist'), { recursive: true });
  cacheRoot = join(dir, 'cache');
});
afterEach(() => removeDir(dir));

function run(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const env = cliEnv(dir, { XDG_CACHE_HOME: cacheRoot, ...extra });
  const child = spawn(process.execPath, [cli, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The cache directory of this Node, and its files (no temporary ones left behind). */
async function cacheFiles(): Promise<{ dir: string; files: string[] }> {
  const cacheDir = compileCacheDir({ XDG_CACHE_HOME: cacheRoot }, 'linux') as string;
  const files = await readdir(cacheDir).catch(() => []);
  return { dir: cacheDir, files: files.sort() };
}

const nodeHasItsOwnCache = (() => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
})();

describe.skipIf(nodeHasItsOwnCache || process.platform === 'win32')(
  `code cache of the CLI bundles${nodeHasItsOwnCache ? ' (skipped: this Node uses module.enableCompileCache instead)' : ''}`,
  () => {
    it('the first run writes one private cache per bundle it ran; the second reuses them', async () => {
      const first = await run(['status']);
      expect(first.code).toBe(1);
      const { dir: cacheDir, files } = await cacheFiles();
      expect(files).toHaveLength(2);
      expect(files.some((f) => /-main@\d+\.\d+\.\d+-\d+-\d+$/.test(f))).toBe(true);
      expect(files.some((f) => /-commands-status@/.test(f))).toBe(true);
      expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
      const before = await Promise.all(files.map((f) => stat(join(cacheDir, f))));
      for (const s of before) expect(s.mode & 0o777).toBe(0o600);

      const second = await run(['status']);
      expect(second).toMatchObject({ code: 1, stderr: first.stderr });
      // Accepted by V8, so not written again: same inode, same mtime.
      const after = await Promise.all(files.map((f) => stat(join(cacheDir, f))));
      expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
      expect((await cacheFiles()).files).toEqual(files);
    });

    it('a damaged cache is rejected, does not change the output, and is replaced', async () => {
      const clean = await run(['--help']);
      const { dir: cacheDir, files } = await cacheFiles();
      expect(files).toHaveLength(1);
      const file = join(cacheDir, files[0] as string);
      await writeFile(file, Buffer.alloc(4096, 0x5a));
      const damaged = await run(['--help']);
      expect(damaged).toEqual(clean);
      const rewritten = await readFile(file);
      expect(rewritten.equals(Buffer.alloc(4096, 0x5a))).toBe(false);
      expect(rewritten.length).toBeGreaterThan(1000);
    });

    it('an edited bundle never runs from the old cache, even at the same size', async () => {
      const before = await run(['--version']);
      expect(before.code).toBe(0);
      const version = before.stdout.trim();
      const main = join(dir, 'dist', 'main.cjs');
      const source = await readFile(main, 'utf8');
      const edited = version.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
      expect(edited).toHaveLength(version.length);
      expect(source.split(`"${version}"`).length).toBeGreaterThan(1);
      await writeFile(main, source.replaceAll(`"${version}"`, `"${edited}"`));
      const after = await run(['--version']);
      expect(after.stdout.trim()).toBe(edited);
      // The old cache of main.cjs was replaced, not kept beside the new one.
      const { files } = await cacheFiles();
      expect(files.filter((f) => f.includes('-main@'))).toHaveLength(1);
    });

    it('NODE_DISABLE_COMPILE_CACHE turns it off', async () => {
      const r = await run(['status'], { NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(r.code).toBe(1);
      expect((await cacheFiles()).files).toEqual([]);
    });

    it('an unwritable cache location costs only the speed-up', async () => {
      await mkdir(join(dir, 'blocked'));
      await writeFile(join(dir, 'blocked', 'codex-oauth'), 'a file where a directory should be');
      const blocked = await run(['status', '--json'], { XDG_CACHE_HOME: join(dir, 'blocked') });
      expect(blocked.code).toBe(1);
      expect(JSON.parse(blocked.stdout)).toMatchObject({ authenticated: false });
      expect(blocked.stderr).not.toMatch(/EEXIST|ENOTDIR|Error/);
    });
  },
);

describe('compileCacheDir', () => {
  const home = '/home/me';
  const at = (env: Record<string, string>, platform: NodeJS.Platform = 'linux') =>
    compileCacheDir({ HOME: home, ...env }, platform, () => '/from-os');
  const tail = `v8-${process.version}-${process.arch}`;

  it('uses the XDG cache directory on Linux, ignoring a relative XDG_CACHE_HOME', () => {
    expect(at({})).toBe(join(home, '.cache', 'codex-oauth', tail));
    expect(at({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'codex-oauth', tail));
    expect(at({ XDG_CACHE_HOME: 'relative' })).toBe(join(home, '.cache', 'codex-oauth', tail));
  });

  it('uses the platform cache directory on macOS and Windows', () => {
    expect(at({}, 'darwin')).toBe(join(home, 'Library', 'Caches', 'codex-oauth', tail));
    expect(at({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32')).toBe(
      join('C:\\Users\\me\\AppData\\Local', 'codex-oauth', tail),
    );
  });

  it("honours Node's own switches, and falls back to os.homedir() without HOME", () => {
    expect(at({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBeNull();
    expect(at({ NODE_COMPILE_CACHE: '/elsewhere' })).toBe(join('/elsewhere', tail));
    expect(compileCacheDir({}, 'linux', () => '/from-os')).toBe(
      join('/from-os', '.cache', 'codex-oauth', tail),
    );
  });
});
