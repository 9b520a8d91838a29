// What BENCHMARKS.md says about the machine a run was measured on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';

/** npm's own variables (set when run through pnpm) would steer npm; children get none of them. */
export function cleanEnv(extra = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)),
  );
  return { ...env, ...extra };
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function npmVersion() {
  try {
    return execFileSync('npm', ['--version'], { env: cleanEnv(), encoding: 'utf8' }).trim();
  } catch {
    return 'not found';
  }
}

/** CPU model, cores, memory, OS, Node and npm versions, as one object of display strings. */
export function describeMachine() {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(read('/proc/cpuinfo'))?.[1]?.trim() ?? cpus()[0]?.model;
  const os = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(read('/etc/os-release'))?.[1] ?? process.platform;
  return {
    cpu: model ?? 'unknown',
    cores: String(cpus().length),
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os}, Linux ${release()}, ${arch()}`,
    node: process.version,
    npm: npmVersion(),
  };
}

/**
 * CPU time so far, in clock ticks: the whole machine's busy time (/proc/stat) and this process's
 * own plus its reaped children's (/proc/self/stat), so their difference over a run is what other
 * work used. The load average cannot tell them apart: our own refresh storm raises it.
 */
export function cpuSnapshot() {
  const total = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const busy = total
    .slice(0, 8)
    .reduce((sum, ticks, i) => (i === 3 || i === 4 ? sum : sum + ticks), 0);
  const self = read('/proc/self/stat');
  const fields = self
    .slice(self.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // Fields 14-17 of proc(5): utime stime cutime cstime (the array starts at field 3).
  const ours = fields[11] + fields[12] + fields[13] + fields[14];
  return { busy, ours, at: performance.now() };
}

/** Average cores other processes kept busy between two snapshots (NaN off Linux). */
export function otherCores(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const ticks = after.busy - before.busy - (after.ours - before.ours);
  // /proc reports USER_HZ ticks, which Linux fixes at 100 a second for user space.
  return Math.max(0, ticks / 100 / seconds);
}

/** The 1-minute load average, rounded, for the "was the machine busy" line. */
export function load1() {
  return Math.round(loadavg()[0] * 100) / 100;
}
