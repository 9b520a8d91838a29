// What a user's node_modules holds after installing codex-oauth (core + store-file) beside
// openid-client, msal-node and the Codex CLI itself: bytes on disk and package count, one run.
// Each install is a plain `npm install` in its own temp dir outside the workspace; ours comes from
// `pnpm pack` tarballs of the built packages. Run from the repo root: see bench/README.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { recordSummary } from './lib/summary.mjs';

const REPO = resolve(import.meta.dirname, '..');
// Core's runtime dependencies are workspace siblings, so their tarballs go in with it.
const OURS = ['core', 'store-file', 'env-detect', 'net-ca'];
const BASELINES = [
  ['openid-client 6.x', ['openid-client@6']],
  ['@azure/msal-node', ['@azure/msal-node']],
  ['@openai/codex 0.169.0', ['@openai/codex@0.169.0']],
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
  return { label, disk, apparent, packages, seconds };
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

  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  const ours = rows[0];
  const pad = (text, width) => String(text).padEnd(width);
  console.log(
    `install footprint (npm ${sh('npm', ['--version'], REPO).trim()}, ${process.platform}-${process.arch}, Node ${process.version})`,
  );
  console.log(
    `  ${pad('', 31)}${pad('on disk', 13)}${pad('apparent', 13)}${pad('packages', 10)}${pad('disk ratio', 12)}packages ratio`,
  );
  for (const row of rows) {
    console.log(
      `  ${pad(row.label, 31)}${pad(mb(row.disk), 13)}${pad(mb(row.apparent), 13)}${pad(row.packages, 10)}` +
        `${pad(`${(row.disk / ours.disk).toFixed(2)}x`, 12)}${(row.packages / ours.packages).toFixed(2)}x`,
    );
  }
  console.log(
    `  (install wall time, network-dependent: ${rows.map((r) => `${r.label} ${r.seconds.toFixed(1)} s`).join(', ')})`,
  );
  for (const row of rows.slice(1)) {
    recordSummary({
      bench: 'install-footprint',
      metric: `bytes on disk vs ${row.label}`,
      ours: ours.disk / 1024 / 1024,
      baseline: row.disk / 1024 / 1024,
      baselineName: row.label,
      unit: 'MB',
      note: 'du of node_modules after a plain npm install',
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
