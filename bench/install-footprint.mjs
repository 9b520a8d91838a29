// What a user's node_modules holds after installing codex-oauth (core + store-file) beside
// openid-client and oauth4webapi (the closest peers), msal-node and the Codex CLI itself: bytes
// on disk and apparent, package count, and every installed package's own size, one run. Each
// install is a plain `npm install` in its own temp dir outside the workspace; ours comes from
// `pnpm pack` tarballs of the built packages, whose contents are checked for files that do not
// earn their place (source maps, native build output, sources, tests). Run from the repo root
// after building: see bench/README.md. `--json` also prints the rows as JSON.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { recordSummary } from './lib/summary.mjs';

const REPO = resolve(import.meta.dirname, '..');
// Core's runtime dependencies are workspace siblings, so their tarballs go in with it.
const OURS = ['core', 'store-file', 'env-detect', 'net-ca'];
const BASELINES = [
  ['openid-client 6.x', ['openid-client@6']],
  ['oauth4webapi 3.x', ['oauth4webapi@3']],
  ['@azure/msal-node', ['@azure/msal-node']],
  ['@openai/codex 0.169.0', ['@openai/codex@0.169.0']],
];
// Issue 21's targets for core + store-file: on disk, as `du` counts it, in MiB.
const TARGET_MIB = 3.0;
const TARGET_PACKAGES = 7;
// What a library tarball has no use for at run time.
const UNEARNED = [
  [/\.map$/, 'source map'],
  [/^native\/build\//, 'native build output'],
  [/^(src|test|tests|__tests__|fixtures)\//, 'sources or tests'],
  [/\.(test|spec)\.[cm]?[jt]s$/, 'test file'],
  [/\.tsbuildinfo$/, 'TypeScript build info'],
];

// pnpm's `npm_config_*` variables would steer npm (lockfile, registry settings); drop them.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)),
);
const sh = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

const temps = [];
const temp = (label) => {
  const dir = mkdtempSync(join(tmpdir(), `codex-oauth-footprint-${label}-`));
  temps.push(dir);
  return dir;
};

/** Bytes on disk (allocated blocks, as `du`) and apparent (file sizes) under `dir`, minus `skip`. */
function sizeOf(dir, skip = () => false) {
  let disk = 0;
  let apparent = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    const stat = lstatSync(path);
    disk += stat.blocks * 512;
    apparent += stat.size;
    if (entry.isDirectory()) {
      const inner = sizeOf(path, skip);
      disk += inner.disk;
      apparent += inner.apparent;
    }
  }
  return { disk, apparent };
}

/** Every installed package directory under `modules` (scoped and nested), with its own size. */
function packagesIn(modules) {
  const found = [];
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      // A package's own size leaves out the packages nested below it (counted on their own).
      const own = sizeOf(path, (p) => p === join(path, 'node_modules'));
      const self = lstatSync(path);
      found.push({
        name: manifest.name,
        version: manifest.version,
        disk: own.disk + self.blocks * 512,
        apparent: own.apparent + self.size,
      });
      try {
        visit(join(path, 'node_modules'));
      } catch {}
    }
  };
  visit(modules);
  return found.sort((a, b) => b.disk - a.disk);
}

/** A fresh project with `specs` installed as a user would (install scripts run, optionals kept). */
function measure(label, specs) {
  const dir = temp(label.replace(/[^a-z0-9]+/gi, '-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'footprint', private: true }));
  const started = performance.now();
  sh('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...specs], dir);
  const seconds = (performance.now() - started) / 1000;
  const modules = join(dir, 'node_modules');
  const disk = Number(sh('du', ['-s', '--block-size=1', modules], dir).split('\t')[0]);
  const apparent = Number(sh('du', ['-s', '--bytes', modules], dir).split('\t')[0]);
  // One line per installed package directory; the first line is the project itself.
  const packages = sh('npm', ['ls', '--all', '--parseable'], dir).trim().split('\n').length - 1;
  return { label, disk, apparent, packages, seconds, each: packagesIn(modules) };
}

/** Files in a tarball that a library has no use for at run time, with the reason. */
function unearned(tarball) {
  const files = sh('tar', ['tzf', tarball], REPO)
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
  const bad = files.flatMap((file) => {
    const hit = UNEARNED.find(([pattern]) => pattern.test(file));
    return hit ? [`${file} (${hit[1]})`] : [];
  });
  return { count: files.length, bad };
}

try {
  const packs = temp('packs');
  const tarballs = OURS.map((name) => {
    const dir = join(REPO, 'packages', name);
    const out = sh('pnpm', ['pack', '--pack-destination', packs], dir).trim().split('\n');
    return out.at(-1);
  });
  const rows = [measure('codex-oauth core + store-file', tarballs)];
  for (const [label, specs] of BASELINES) rows.push(measure(label, specs));

  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  const ours = rows[0];
  const pad = (text, width) => String(text).padEnd(width);
  console.log(
    `install footprint (npm ${sh('npm', ['--version'], REPO).trim()}, ${process.platform}-${process.arch}, Node ${process.version}; ` +
      'on disk = allocated 4 KiB blocks as du counts them, apparent = sum of file sizes)',
  );
  console.log(
    `  ${pad('', 31)}${pad('on disk', 13)}${pad('apparent', 13)}${pad('packages', 10)}${pad('disk ratio', 12)}packages ratio`,
  );
  for (const row of rows) {
    console.log(
      `  ${pad(row.label, 31)}${pad(mib(row.disk), 13)}${pad(mib(row.apparent), 13)}${pad(row.packages, 10)}` +
        `${pad(`${(row.disk / ours.disk).toFixed(2)}x`, 12)}${(row.packages / ours.packages).toFixed(2)}x`,
    );
  }
  const meets = (ok) => (ok ? 'met' : 'NOT met');
  console.log(
    `  target for core + store-file: <= ${TARGET_MIB.toFixed(1)} MiB on disk (${meets(ours.disk / 1024 / 1024 <= TARGET_MIB)}), ` +
      `<= ${TARGET_PACKAGES} packages (${meets(ours.packages <= TARGET_PACKAGES)}); ` +
      `apparent ${mib(ours.apparent)} (${meets(ours.apparent / 1024 / 1024 <= TARGET_MIB)} on that measure)`,
  );
  console.log('\n  every package, on disk / apparent:');
  for (const row of rows) {
    const list = row.each
      .map((p) => `${p.name}@${p.version} ${kib(p.disk)} / ${kib(p.apparent)}`)
      .join(', ');
    console.log(`  ${pad(row.label, 31)}${list}`);
  }
  console.log('\n  our tarballs (files; anything that does not earn its place):');
  for (const [i, tarball] of tarballs.entries()) {
    const { count, bad } = unearned(tarball);
    console.log(
      `  @codex-oauth/${pad(OURS[i], 18)}${pad(`${count} files`, 10)}${bad.length === 0 ? 'nothing unearned' : bad.join(', ')}`,
    );
  }
  console.log(
    `  (install wall time, network-dependent: ${rows.map((r) => `${r.label} ${r.seconds.toFixed(1)} s`).join(', ')})`,
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  for (const row of rows.slice(1)) {
    recordSummary({
      bench: 'install-footprint',
      metric: `bytes on disk vs ${row.label}`,
      ours: ours.disk / 1024 / 1024,
      baseline: row.disk / 1024 / 1024,
      baselineName: row.label,
      unit: 'MiB',
      note: 'du of node_modules after a plain npm install (4 KiB blocks)',
    });
    recordSummary({
      bench: 'install-footprint',
      metric: `apparent bytes vs ${row.label}`,
      ours: ours.apparent / 1024 / 1024,
      baseline: row.apparent / 1024 / 1024,
      baselineName: row.label,
      unit: 'MiB',
      note: 'sum of file sizes in node_modules (what npm calls unpacked size)',
    });
    recordSummary({
      bench: 'install-footprint',
      metric: `packages vs ${row.label}`,
      ours: ours.packages,
      baseline: row.packages,
      baselineName: row.label,
      unit: 'packages',
      note: 'npm ls --all --parseable, minus the project',
    });
  }
} finally {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}
