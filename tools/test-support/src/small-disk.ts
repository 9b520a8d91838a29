import { execFile, spawnSync } from 'node:child_process';

let mountArgsCache: string[] | null | undefined;

/**
 * The `unshare` arguments that give a private mount namespace in which a tmpfs can be mounted:
 * `-m` as root, else `-rm` (a user namespace maps us to root; tmpfs may be mounted there). Null
 * when neither works (no unshare, user namespaces disabled).
 */
export function mountNamespaceArgs(): string[] | null {
  if (mountArgsCache !== undefined) return mountArgsCache;
  mountArgsCache = null;
  for (const args of [['-m'], ['-rm']]) {
    const probe = spawnSync(
      'unshare',
      [...args, 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /tmp 2>/dev/null || exit 1'],
      { stdio: 'ignore', timeout: 5000 },
    );
    if (probe.status === 0) {
      mountArgsCache = args;
      break;
    }
  }
  return mountArgsCache;
}

/** What {@link runOnSmallDisk}'s command printed, and how it ended. */
export interface SmallDiskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` in a private mount namespace where `dir` (an existing, empty directory) is
 * a fresh tmpfs of `sizeKiB`: a real file system that really fills up, gone with the namespace.
 * Nothing outside the namespace sees the mount; the network is the caller's own.
 *
 * @example
 * const { stdout } = await runOnSmallDisk(dir, 64, process.execPath, ['child.mjs', dir]);
 */
export function runOnSmallDisk(
  dir: string,
  sizeKiB: number,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<SmallDiskRun> {
  const unshare = mountNamespaceArgs();
  if (unshare === null) throw new Error('runOnSmallDisk: no mount namespace here');
  // "$0" and "$@" carry the directory and the command through sh without any quoting of ours.
  const script = `mount -t tmpfs -o size=${Math.trunc(sizeKiB)}k,mode=0700 tmpfs "$0" && exec "$@"`;
  return new Promise((resolve) => {
    execFile(
      'unshare',
      [...unshare, 'sh', '-c', script, dir, command, ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
