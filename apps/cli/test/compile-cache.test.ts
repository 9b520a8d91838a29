import { spawn } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheDir } from '../src/compile-cache-dir.js';
import { CLI, type CliResult, cliEnv, removeDir, tempHome } from './helpers.js';

// Node's compile cache (`module.enableCompileCache`, Node 22.1+) as the CLI switches it on
// (src/bin.ts), seen from outside: where a run writes it, that a second run reuses it, and that
// neither switching it off nor an unusable location changes what the CLI does.

let dir: string;
let cacheRoot: string;
beforeEach(async () => {
  dir = await tempHome();
  cacheRoot = join(dir, 'cache');
});
afterEach(() => removeDir(dir));

function run(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const env = cliEnv(dir, { XDG_CACHE_HOME: cacheRoot, ...extra });
  const child = spawn(process.execPath, [CLI, ...args], { env });
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

/** Every file under the CLI's cache directory, with its mtime. */
async function cacheFiles(): Promise<Map<string, number>> {
  const root = join(cacheRoot, 'codex-oauth');
  const files = new Map<string, number>();
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) {
    const s = await stat(join(root, entry));
    if (s.isFile()) files.set(entry, s.mtimeMs);
  }
  return files;
}

const noCompileCache = (() => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1)
    ? undefined
    : `Node ${process.versions.node} has no module.enableCompileCache`;
})();

describe.skipIf(noCompileCache !== undefined)(
  `compile cache${noCompileCache ? ` (skipped: ${noCompileCache})` : ''}`,
  () => {
    it('the first run writes it under the user cache directory; the second reuses it', async () => {
      const first = await run(['status']);
      expect(first.code).toBe(1);
      const written = await cacheFiles();
      expect(written.size).toBeGreaterThan(0);
      const second = await run(['status']);
      expect(second).toMatchObject({ code: 1, stderr: first.stderr });
      // Accepted by Node, so not written again.
      expect(await cacheFiles()).toEqual(written);
    });

    it('NODE_DISABLE_COMPILE_CACHE turns it off', async () => {
      const r = await run(['status'], { NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(r.code).toBe(1);
      expect((await cacheFiles()).size).toBe(0);
    });

    it('an unwritable cache location costs only the speed-up', async () => {
      await mkdir(join(dir, 'blocked'));
      await writeFile(join(dir, 'blocked', 'codex-oauth'), 'a file where a directory should be');
      const blocked = await run(['status', '--json'], { XDG_CACHE_HOME: join(dir, 'blocked') });
      expect(blocked.code).toBe(1);
      expect(JSON.parse(blocked.stdout)).toMatchObject({ authenticated: false });
      expect(blocked.stderr).toBe('');
    });
  },
);

describe('compileCacheDir', () => {
  const home = '/home/me';
  const at = (env: Record<string, string>, platform: NodeJS.Platform = 'linux') =>
    compileCacheDir({ HOME: home, ...env }, platform, () => '/from-os');

  it('uses the XDG cache directory on Linux, ignoring a relative XDG_CACHE_HOME', () => {
    expect(at({})).toBe(join(home, '.cache', 'codex-oauth'));
    expect(at({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'codex-oauth'));
    expect(at({ XDG_CACHE_HOME: 'relative' })).toBe(join(home, '.cache', 'codex-oauth'));
  });

  it('uses the platform cache directory on macOS and Windows', () => {
    expect(at({}, 'darwin')).toBe(join(home, 'Library', 'Caches', 'codex-oauth'));
    expect(at({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32')).toBe(
      join('C:\\Users\\me\\AppData\\Local', 'codex-oauth'),
    );
  });

  it("honours Node's own switches, and falls back to os.homedir() without HOME", () => {
    expect(at({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBeNull();
    expect(at({ NODE_COMPILE_CACHE: '/elsewhere' })).toBe('/elsewhere');
    expect(compileCacheDir({}, 'linux', () => '/from-os')).toBe(
      join('/from-os', '.cache', 'codex-oauth'),
    );
  });
});
