import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

/**
 * The lock layer (`acquireLock`, `withLock`) bundled for child processes, at `test-output/index.js`. It sits one level below
 * the package root, as `dist/index.js` does, so it finds the addon in `build/Release` the same way.
 * Built from `src` on every run (never the published `dist`, which could be stale or being rebuilt
 * by a concurrent `lint` task).
 */
export const CHILD_BUNDLE = fileURLToPath(new URL('../test-output/index.js', import.meta.url));

export default async function setup(): Promise<void> {
  await build({
    config: false,
    // Only the lock layer: children need nothing else, and it imports no workspace package.
    entry: { index: fileURLToPath(new URL('../src/acquire-lock.ts', import.meta.url)) },
    outDir: fileURLToPath(new URL('../test-output', import.meta.url)),
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    clean: false,
    silent: true,
  });
}
