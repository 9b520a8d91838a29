import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mounted: string[] = [];

/** Why tmpfs mounts cannot be used here (not root, no CAP_SYS_ADMIN), or null when they can. */
export function mountSkipReason(): string | null {
  if (process.platform !== 'linux') return 'needs Linux mounts';
  let probe: string | undefined;
  try {
    probe = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as Error).message).split('\n')[0]})`;
  } finally {
    if (probe) execFileSync('rmdir', [probe]);
  }
}

/** A fresh directory with a tiny tmpfs mounted on it, unmounted by {@link unmountAll}. */
export async function tinyTmpfs(sizeKb: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}

/** Remounts a tmpfs read-only (`rw: false`) or read-write. */
export function remount(dir: string, rw: boolean): void {
  execFileSync('mount', ['-o', `remount,${rw ? 'rw' : 'ro'}`, dir]);
}

/** Unmounts every tmpfs made here (lazily if busy) and removes the directories; never throws. */
export async function unmountAll(): Promise<void> {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } catch {}
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
