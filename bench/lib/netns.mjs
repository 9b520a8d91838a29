// Runs a benchmark inside one loopback-only network namespace (`unshare -n`, `-rn` when not
// root): the fake issuer, our processes and Codex share a loopback that reaches no other host.
import { spawnSync } from 'node:child_process';

/**
 * Unless `--inside` is among `args`, re-executes `script` with `--inside` in a fresh network
 * namespace whose only interface is its loopback, and exits with its status. Returns when
 * already inside.
 *
 * @param {string} script absolute path of the benchmark
 * @param {string[]} args its arguments
 */
export function enterNetns(script, args) {
  if (args.includes('--inside')) return;
  for (const flags of [['-n'], ['-rn']]) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'ip link set lo up'], {
      stdio: 'ignore',
    });
    if (probe.status !== 0) continue;
    const inner = [process.execPath, script, '--inside', ...args];
    const run = spawnSync(
      'unshare',
      [...flags, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...inner],
      { stdio: 'inherit' },
    );
    process.exit(run.status ?? 1);
  }
  console.error('cannot run `unshare -n` with `ip link set lo up` (needs root or user namespaces,');
  console.error('and iproute2): the benchmark runs only inside a loopback-only namespace');
  process.exit(1);
}
