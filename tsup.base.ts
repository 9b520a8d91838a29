import type { Options } from 'tsup';

/**
 * The one tsup configuration every package shares. A package's own `tsup.config.ts` only names its
 * entries (and, rarely, a bin banner), so a move to another bundler stays a mechanical change.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: false,
    clean: true,
    splitting: false,
    treeshake: true,
    // Dependencies stay external: a library must not bundle what its users also install.
    skipNodeModulesBundle: true,
    ...overrides,
  };
}
