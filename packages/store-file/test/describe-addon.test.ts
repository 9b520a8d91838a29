import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from './children.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const notLinuxX64 =
  process.platform === 'linux' && process.arch === 'x64'
    ? undefined
    : 'prebuilds are made on linux-x64 only';

/**
 * In a fresh process of the built package: `describe()` of a file store (what `status` shows),
 * whether node-gyp-build had been loaded by then, and `lockBackend()` afterwards.
 */
async function describeThenLockBackend(codexHome: string, env: Record<string, string> = {}) {
  const script = `
    const m = await import('./dist/index.js');
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    const warnings = m.fileStore({ codexHome: ${JSON.stringify(codexHome)} }).describe().warnings;
    const loaderLoaded = Object.keys(cache).some((k) => k.includes('node-gyp-build'));
    console.log(JSON.stringify({ warnings, loaderLoaded, backend: m.lockBackend() }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await once(child, 'exit');
  return JSON.parse(out) as {
    warnings: string[];
    loaderLoaded: boolean;
    backend: { kind: string; reason?: string };
  };
}

// describe() takes no lock, so it tells the backend from the files on disk and leaves loading
// the addon (node-gyp-build and a dlopen) to the first lock, or to lockBackend().
describe.skipIf(notLinuxX64)(
  `describe() and the flock addon${notLinuxX64 ? ` (skipped: ${notLinuxX64})` : ''}`,
  () => {
    let home: Awaited<ReturnType<typeof tempHome>>;
    beforeAll(async () => {
      home = await tempHome();
    });
    afterAll(() => home.cleanup());

    it('reports no lock warning without loading the addon; lockBackend() then loads it', async () => {
      const r = await describeThenLockBackend(home.dir);
      expect(r.loaderLoaded).toBe(false);
      expect(r.warnings.join('\n')).not.toMatch(/flock|lock file|locks do not/);
      expect(r.backend).toEqual({ kind: 'flock' });
    });

    it('warns, naming the build command, where no binary fits (as lockBackend() does)', async () => {
      const r = await describeThenLockBackend(home.dir, { npm_config_platform: 'darwin' });
      expect(r.loaderLoaded).toBe(false);
      const warning = r.warnings.find((w) => w.includes('locks do not exclude a Codex CLI'));
      expect(warning).toContain('platform=darwin');
      expect(warning).toContain(`node ${join(packageDir, 'native', 'build.mjs')}`);
      expect(r.backend.kind).toBe('lockfile');
    });

    it('CODEX_OAUTH_LOCK_BACKEND=lockfile is reported as such', async () => {
      const r = await describeThenLockBackend(home.dir, { CODEX_OAUTH_LOCK_BACKEND: 'lockfile' });
      expect(r.warnings).toContainEqual(
        expect.stringContaining('CODEX_OAUTH_LOCK_BACKEND=lockfile'),
      );
      expect(r.backend.kind).toBe('lockfile');
    });
  },
);
