#!/usr/bin/env node
// Every public package (non-private, under packages/ or apps/) carries the registry metadata a
// user looks for: `repository` with its `directory`, `homepage`, `bugs`, `keywords`, `license`
// and `author`. They come from one place, the root package.json (`repository.url`, `homepage`,
// `bugs`, `author`, `license`), so a new package gets them with `--fix` instead of by copying;
// only `keywords` is the package's own. `pnpm check` runs this without `--fix` and fails on a
// missing or differing field; the release check asserts the same on the packed tarballs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The metadata every public package must carry, for the package at `dir`. */
export function expectedMetadata(dir, root = ROOT) {
  const source = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const directory = relative(root, dir);
  return {
    repository: { type: 'git', url: source.repository.url, directory },
    homepage: `${source.homepage}/tree/main/${directory}#readme`,
    bugs: source.bugs,
    license: source.license,
    author: source.author,
  };
}

/** The public packages under `root` and what is wrong with each manifest. */
export function checkManifests(root = ROOT, { fix = false } = {}) {
  const problems = [];
  for (const group of ['packages', 'apps']) {
    if (!existsSync(join(root, group))) continue;
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.private === true) continue;
      const expected = expectedMetadata(dirname(file), root);
      let changed = false;
      for (const [field, value] of Object.entries(expected)) {
        if (JSON.stringify(manifest[field]) === JSON.stringify(value)) continue;
        if (fix) {
          manifest[field] = value;
          changed = true;
        } else
          problems.push(`${relative(root, file)}: "${field}" should be ${JSON.stringify(value)}`);
      }
      const { keywords } = manifest;
      if (!Array.isArray(keywords) || keywords.length === 0) {
        problems.push(
          `${relative(root, file)}: "keywords" must list a few words (the package's own)`,
        );
      }
      if (changed) writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkManifests(ROOT, { fix: process.argv.includes('--fix') });
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error('manifest-check: run `node scripts/manifest-check.mjs --fix`, then add keywords');
    process.exitCode = 1;
  }
}
