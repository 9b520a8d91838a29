import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';

/** The repository root (three levels above this file). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A workspace package as the release sees it. */
export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  private: boolean;
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  [field: string]: unknown;
}

/** Every package under `packages/`, `apps/` and `tools/`. */
export function workspacePackages(root = REPO): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, group, entry.name);
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      } catch {
        continue;
      }
      found.push({
        name: manifest.name,
        version: manifest.version,
        dir,
        private: manifest.private === true,
      });
    }
  }
  return found;
}

/** The packages a release publishes: `packages/*` and `apps/*` that are not private (the CLI). */
export function publicPackages(): WorkspacePackage[] {
  return workspacePackages().filter(
    (p) => !p.private && (p.dir.includes('/packages/') || p.dir.includes('/apps/')),
  );
}

/**
 * `pnpm pack` into `destination` (which rewrites `workspace:` ranges to real versions, as
 * `pnpm publish` will). Returns the tarball's path.
 */
export function pack(pkg: WorkspacePackage, destination: string): string {
  run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
  const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
  return join(destination, file);
}

/** The `package.json` inside a tarball, as npm will see it. */
export function packedManifest(tarball: string): Manifest {
  const text = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
    encoding: 'utf8',
  });
  return JSON.parse(text) as Manifest;
}

/** Every file inside a tarball, relative to `package/`. */
export function packedFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}
