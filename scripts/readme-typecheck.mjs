#!/usr/bin/env node
// Type-checks every ```ts block of every public package's README against the built packages, so
// an example that calls a missing API fails `pnpm check` (as oauth4webapi checks its examples).
// The packages are found, not listed: every non-private package under packages/ and apps/.
//
// Each block is written to `<package>/.readme-typecheck/block-<line>.ts` (gitignored, removed
// afterwards), so its imports resolve as the package's own files do (node:, its dependencies),
// and every public package of ours resolves to its built types (`dist/*.d.ts`, by the `types` of
// each `exports` entry) whether or not this package depends on it: an example may show two
// packages together. One `tsc` checks them all, and errors are reported at README lines. A block is a whole module; what it uses without defining
// (a `store` the reader already has) is declared in an HTML comment right above the fence,
// which readers of the rendered README do not see:
//
//   <!-- typecheck-prelude
//   import { memoryStore } from '@codex-oauth/store-memory';
//   const store = memoryStore();
//   -->
//   ```ts
//   ...
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = '.readme-typecheck';

/** Every public package under `root` (`packages/*` and `apps/*`), with its README or null. */
export function publicPackages(root = ROOT) {
  const found = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const dir = join(groupDir, entry.name);
      const manifest = join(dir, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      if (JSON.parse(readFileSync(manifest, 'utf8')).private === true) continue;
      const readme = join(dir, 'README.md');
      found.push({ dir, readme: existsSync(readme) ? readme : null });
    }
  }
  return found;
}

/** TypeScript `paths` sending each public package's export (`@scope/pkg`, `@scope/pkg/sub`) to its built types. */
export function builtTypePaths(packages) {
  const paths = {};
  for (const { dir } of packages) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'object' && target !== null ? target.types : undefined;
      if (typeof types !== 'string') continue;
      paths[join(manifest.name, subpath).replace(/\/\.$/, '')] = [join(dir, types)];
    }
  }
  return paths;
}

/**
 * The TypeScript blocks of a README: their code, the line of their first code line (1-based) and
 * the prelude declared above them, if any.
 */
export function typescriptBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const before = lines.slice(0, i).join('\n');
    const prelude = preludeAtEnd(before);
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n'), prelude });
    i = end;
  }
  return blocks;
}

/** The body of a `<!-- typecheck-prelude ... -->` comment that ends `text`, or ''. */
function preludeAtEnd(text) {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith('-->')) return '';
  const comment = trimmed.slice(trimmed.lastIndexOf('<!--') + 4, -3);
  const match = /^\s*typecheck-prelude\s*\n([\s\S]*)$/.exec(comment);
  return match ? match[1] : '';
}

/**
 * Checks the READMEs of `packages` (default: every public package). Returns the errors, each
 * `{ readme, line, message }`; the generated files are removed whatever happens.
 */
export function checkReadmes(
  packages = publicPackages(),
  { tsc = join(ROOT, 'node_modules/.bin/tsc') } = {},
) {
  const files = new Map(); // generated file -> { readme, firstLine, preludeLines }
  const scratch = mkdirTemp();
  try {
    for (const { dir, readme } of packages) {
      if (readme === null) continue;
      const blocks = typescriptBlocks(readFileSync(readme, 'utf8'));
      if (blocks.length === 0) continue;
      const out = join(dir, OUT_DIR);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      for (const block of blocks) {
        const file = join(out, `block-${block.line}.ts`);
        // `export {}` keeps a block without imports a module (top-level await, own scope).
        const prelude = `${block.prelude}\nexport {};\n`;
        writeFileSync(file, `${prelude}${block.code}\n`);
        files.set(file, {
          readme,
          firstLine: block.line,
          preludeLines: prelude.split('\n').length - 1,
        });
      }
    }
    if (files.size === 0) return [];
    const config = join(scratch, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: true,
          noUnusedLocals: false,
          noUnusedParameters: false,
          paths: builtTypePaths(packages),
        },
        files: [...files.keys()],
      }),
    );
    // tsc names files relative to its working directory: run it at the root, resolve from there.
    const result = spawnSync(tsc, ['-p', config, '--pretty', 'false'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (result.error) throw result.error;
    const errors = [];
    for (const text of `${result.stdout}${result.stderr}`.split('\n')) {
      const match = /^(.*?)\((\d+),(\d+)\): (error .*)$/.exec(text);
      if (!match) continue;
      const origin = files.get(resolve(ROOT, match[1]));
      if (!origin) {
        errors.push({ readme: match[1], line: Number(match[2]), message: match[4] });
        continue;
      }
      const offset = Number(match[2]) - origin.preludeLines - 1;
      errors.push({
        readme: origin.readme,
        // A line of the prelude is reported at the fence it belongs to.
        line: offset >= 0 ? origin.firstLine + offset : origin.firstLine - 1,
        message: match[4],
      });
    }
    if (result.status !== 0 && errors.length === 0) {
      errors.push({ readme: config, line: 0, message: `${result.stdout}${result.stderr}`.trim() });
    }
    return errors;
  } finally {
    for (const { dir } of packages) rmSync(join(dir, OUT_DIR), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

function mkdirTemp() {
  // Inside the repository, so `extends` and @types/node resolve from its node_modules.
  const dir = join(ROOT, 'node_modules', '.cache', `readme-typecheck-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packages = publicPackages();
  const errors = checkReadmes(packages);
  for (const e of errors) console.error(`${relative(ROOT, e.readme)}:${e.line}: ${e.message}`);
  const readmes = packages.filter((p) => p.readme !== null);
  const blocks = readmes.reduce(
    (n, p) => n + typescriptBlocks(readFileSync(p.readme, 'utf8')).length,
    0,
  );
  console.log(
    `readme-typecheck: ${blocks} TypeScript blocks in ${readmes.length} READMEs, ${errors.length} errors`,
  );
  process.exitCode = errors.length > 0 ? 1 : 0;
}
