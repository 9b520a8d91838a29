import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { pack, publicPackages } from '../src/workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Package name -> packed tarball path, for every public package (the CLI among them). */
    tarballs: Record<string, string>;
  }
}

/** Packs once for every test file: each public package under packages/ and apps/. */
export default function setup(project: TestProject): () => void {
  const destination = mkdtempSync(join(tmpdir(), 'codex-oauth-packs-'));
  const started = performance.now();
  const tarballs: Record<string, string> = {};
  for (const pkg of publicPackages()) {
    tarballs[pkg.name] = pack(pkg, destination);
  }
  const sizes = Object.entries(tarballs).map(
    ([name, file]) => `${name} ${(statSync(file).size / 1024).toFixed(1)} kB`,
  );
  console.log(
    `packed ${sizes.length} packages in ${Math.round(performance.now() - started)} ms: ${sizes.join(', ')}`,
  );
  project.provide('tarballs', tarballs);
  return () => rmSync(destination, { recursive: true, force: true });
}
