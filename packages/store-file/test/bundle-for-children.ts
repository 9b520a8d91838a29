import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

/**
 * The lock layer (`acquireLock`, `withLock`) bundled for child processes, at `test-output/index.js`. It sits one level below
 * the package root, as `dist/index.js` does, so it finds the addon in `build/Release` the same way.
 * Built from `src` on every run (never the published `dist`, which could be stale or being rebuilt
 * by a concurrent `lint` task).
 */
export const CHILD_BUNDLE = fileURLToPath(new URL('../test-output/index.js', import.meta.url));

/**
 * Bundles `source` (a path under `src/`) to `test-output/<name>.js` for child processes. The
 * output sits one level below the package root, as `dist/index.js` does, so the flock addon
 * resolves the same way.
 */
export async function bundleForChildren(name: string, source: string): Promise<void> {
  await build({
    config: false,
    entry: { [name]: fileURLToPath(new URL(`../${source}`, import.meta.url)) },
    outDir: fileURLToPath(new URL('../test-output', import.meta.url)),
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    clean: false,
    silent: true,
  });
}

export default async function setup(): Promise<void> {
  // The lock layer imports no workspace package; the whole store (for the conformance suite's
  // two-process lock test) imports core from its built dist.
  await bundleForChildren('index', 'src/acquire-lock.ts');
  await bundleForChildren('file-store', 'src/index.ts');
}
