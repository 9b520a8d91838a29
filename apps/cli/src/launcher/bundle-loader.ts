import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Loads the CLI's own CommonJS bundles (`dist/main.cjs`, `dist/commands/<name>.cjs`). */
export type LoadBundle = (name: string) => unknown;

/** Options of {@link createBundleLoader}. */
export interface BundleLoaderOptions {
  /** The directory holding the bundles (`dist/`). */
  distDir: string;
  /** Where code caches are kept; `null` compiles every time (see `cache-dir.ts`). */
  cacheDir: string | null;
  /** The CLI's version: part of every cache key, so an upgrade never reads an old cache. */
  version: string;
  /**
   * The `require` the bundles get: the launcher's own. Every bundle lives in `distDir` or one
   * level below and requires only built-ins and packages (undici, ci-info), which resolve the
   * same from there; one shared `require` saves a `createRequire` per bundle (~0.4 ms the first).
   */
  require: NodeJS.Require;
}

type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/**
 * Loads bundles like `require` does, but compiles them with a V8 code cache: on Node 20, which
 * has no `module.enableCompileCache()`, compiling the ~100 KB of JavaScript a command runs is
 * the largest single cost of its start-up (bench/cli-start.mjs).
 *
 * The cache of a bundle is written when the process exits, by `script.createCachedData()`, so it
 * also holds every function the run compiled lazily, not only the top level. A cache is keyed by
 * the bundle's name, the CLI version and the file's size and mtime; V8 itself rejects a cache made
 * by another V8 version or with other flags, and then the bundle is compiled and the cache
 * rewritten. Every cache failure (unwritable directory, damaged file) only costs the speed-up.
 */
export function createBundleLoader(options: BundleLoaderOptions): LoadBundle {
  const { distDir, cacheDir, version, require } = options;
  // Two installs of one version (two checkouts, a global and a local install) keep apart caches,
  // instead of evicting each other's on every run.
  const install = fnv1a(distDir);
  const loaded = new Map<string, { exports: unknown }>();
  const unsaved: Unsaved[] = [];

  return (name) => {
    const filename = join(distDir, `${name}.cjs`);
    const done = loaded.get(filename);
    if (done) return done.exports;
    const source = readFileSync(filename, 'utf8');
    let cacheFile: string | undefined;
    let cachedData: Buffer | undefined;
    if (cacheDir !== null) {
      const { size, mtimeMs } = statSync(filename);
      cacheFile = join(
        cacheDir,
        `${cacheName(install, name)}@${version}-${size}-${Math.trunc(mtimeMs)}`,
      );
      cachedData = readIfPresent(cacheFile);
    }
    const script = new Script(wrap(source), {
      filename,
      ...(cachedData !== undefined && { cachedData }),
    });
    if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
      if (unsaved.length === 0) process.once('exit', () => saveAll(cacheDir as string, unsaved));
      unsaved.push({ prefix: `${cacheName(install, name)}@`, file: cacheFile, script });
    }
    const module = { exports: {} };
    loaded.set(filename, module);
    const run = script.runInThisContext() as ModuleWrapper;
    run.call(module.exports, module.exports, require, module, filename, dirname(filename));
    return module.exports;
  };
}

// The CommonJS wrapper, as Node's own. A shebang line is blanked to a comment of the same
// length, so positions in stack traces stay right.
function wrap(source: string): string {
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  return `(function (exports, require, module, __filename, __dirname) { ${body}\n})`;
}

/** A code cache to write at exit; `prefix` names every cache of the same bundle. */
interface Unsaved {
  prefix: string;
  file: string;
  script: Script;
}

function cacheName(install: string, name: string): string {
  return `${install}-${name.replaceAll('/', '-')}`;
}

/** 32-bit FNV-1a of a string, as 8 hex digits: a name for a path, not a security measure. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes each cache to a private temporary file, then renames it into place, so a concurrent run
 * reads either no cache or a whole one. Older caches of the same bundle are removed.
 */
function saveAll(cacheDir: string, unsaved: readonly Unsaved[]): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  for (const { prefix, file, script } of unsaved) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, file);
      removeOlder(cacheDir, prefix, file);
    } catch {
      try {
        unlinkSync(temporary);
      } catch {
        // Nothing was written.
      }
    }
  }
}

function removeOlder(cacheDir: string, prefix: string, keep: string): void {
  for (const entry of readdirSync(cacheDir)) {
    const file = join(cacheDir, entry);
    if (entry.startsWith(prefix) && file !== keep && !entry.endsWith('.tmp')) unlinkSync(file);
  }
}
