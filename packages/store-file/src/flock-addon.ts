import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FlockBinding } from './backend.js';

// `native/` beside this module's folder: this module is `src/*.ts` under vitest and
// `dist/index.js` once built, both one level below the package root.
const NATIVE_DIR = join(import.meta.dirname, '..', 'native');

let loaded: { binding: FlockBinding } | { error: string } | undefined;

/**
 * Loads the flock addon once, through node-gyp-build: a source build in `native/build/Release`
 * if someone made one, else the prebuild in `native/prebuilds/<platform>-<arch>/` whose tags
 * (Node-API, glibc or musl) match this process. A failure is remembered, so every call reports
 * the same reason, and the reason says how to build from source where no prebuild fits.
 */
export function loadFlockBinding(): { binding: FlockBinding } | { error: string } {
  if (loaded) return loaded;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;
    loaded = { binding: load(NATIVE_DIR) as FlockBinding };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loaded = {
      error:
        `the flock addon could not be loaded (${message}); prebuilds cover linux-x64 (glibc and ` +
        'musl), elsewhere build it once with python3, make and a C compiler installed: ' +
        `\`node ${join(NATIVE_DIR, 'build.mjs')}\``,
    };
  }
  return loaded;
}
