import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { pack, publicPackages, workspacePackages } from '../src/workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Package name -> packed tarball path, for every public package and the CLI. */
    tarballs: Record<string, string>;
  }
}

/**
 * Packs once for every test file: each public package, plus the private CLI. `pnpm pack` works on
 * a private package, and packing it is the only way to prove its `files` and `bin` produce a
 * working command once `workspace:` ranges are gone (it ships through its own channel later).
 */
export default function setup(project: TestProject): () => void {
  const destination = mkdtempSync(join(tmpdir(), 'codex-oauth-packs-'));
  const started = performance.now();
  const cli = workspacePackages().find((p) => p.name === '@codex-oauth/cli');
  const tarballs: Record<string, string> = {};
  for (const pkg of [...publicPackages(), ...(cli ? [cli] : [])]) {
    tarballs[pkg.name] = pack(pkg, destination);
  }
  console.log(
    `packed ${Object.keys(tarballs).length} packages in ${Math.round(performance.now() - started)} ms`,
  );
  project.provide('tarballs', tarballs);
  return () => rmSync(destination, { recursive: true, force: true });
}
