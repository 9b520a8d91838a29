import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FlockBinding } from './backend.js';
import { fs } from './node-fs.js';

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

/**
 * Whether this process would find a flock binary, without loading it: the result of an earlier
 * {@link loadFlockBinding} if there was one, else whether `native/build/Release` or this
 * platform's `native/prebuilds/<platform>-<arch>/` holds a `.node` file (one or two directory
 * reads). For `describe()`, which `status` calls and which takes no lock: loading the addon costs
 * node-gyp-build and a `dlopen` (~2–4 ms of a ~25 ms start-up on Node 20, bench/trade-offs.md).
 * A binary that is on disk but fails to load is reported by {@link loadFlockBinding} (through
 * `lockBackend()`, which `codex-oauth doctor` checks) and by `describe()` once a lock was taken.
 */
export function flockBinaryPresent(): boolean {
  if (loaded) return 'binding' in loaded;
  return [
    join(NATIVE_DIR, 'build', 'Release'),
    join(NATIVE_DIR, 'prebuilds', `${platform()}-${arch()}`),
  ].some(holdsAddon);
}

/** The platform and arch node-gyp-build looks up prebuilds for (it honours npm's settings). */
function platform(): string {
  return process.env.npm_config_platform || process.platform;
}
function arch(): string {
  return process.env.npm_config_arch || process.arch;
}

function holdsAddon(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => name.endsWith('.node'));
  } catch {
    return false;
  }
}

/** Why no flock binary was found, in the words {@link loadFlockBinding} uses for a failed load. */
export function noFlockBinaryReason(): string {
  if (loaded && 'error' in loaded) return loaded.error;
  return (
    `no flock addon for platform=${platform()} arch=${arch()} was found; prebuilds cover ` +
    'linux-x64 (glibc and musl), elsewhere build it once with python3, make and a C compiler ' +
    `installed: \`node ${join(NATIVE_DIR, 'build.mjs')}\``
  );
}
