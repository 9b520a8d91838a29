import type { Probes } from '../src/index.js';

/**
 * Fake probes for a terminal session with nothing special about it; each test overrides what it
 * is about. Files: a set of paths that exist and a map of readable file contents.
 */
export function fakeProbes(
  overrides: Partial<Probes> & { files?: Record<string, string>; paths?: string[] } = {},
): Probes {
  const { files = {}, paths = [], ...rest } = overrides;
  return {
    platform: 'linux',
    env: { TERM: 'xterm-256color' },
    isTTY: true,
    readFile: (path) => files[path] ?? null,
    exists: (path) => paths.includes(path) || path in files,
    ...rest,
  };
}
