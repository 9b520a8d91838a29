import { readdir, readFile, readlink } from 'node:fs/promises';

/** Stop looking after this long: the owner is a hint in an error message, not worth a stall. */
const BUDGET_MS = 500;
const MAX_PIDS = 4096;

/**
 * Best effort: which process listens on TCP `port`, as `pid 1234 (codex login)`, or `null` when
 * it cannot tell. Linux only: finds the listening socket's inode in `/proc/net/tcp{,6}`, then the
 * process whose `/proc/<pid>/fd` links to it (only processes this user may inspect are seen).
 * Bounded in time and in processes scanned; never throws.
 */
export async function describePortOwner(port: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const text = await readFile(table, 'utf8').catch(() => '');
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const local = cols[1];
        // Column 3 is the state; 0A is LISTEN. Column 9 is the socket inode.
        if (local === undefined || cols[3] !== '0A' || cols[9] === undefined) continue;
        if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return null;
    const deadline = Date.now() + BUDGET_MS;
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).slice(0, MAX_PIDS);
    for (const pid of pids) {
      if (Date.now() > deadline) return null;
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode !== undefined && inodes.has(inode)) return `pid ${pid} (${await commandOf(pid)})`;
      }
    }
  } catch {
    // Unusual /proc layouts (containers, hardened kernels) just mean "unknown".
  }
  return null;
}

async function commandOf(pid: string): Promise<string> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const words = cmdline.split('\0').filter(Boolean);
  if (words.length === 0) {
    return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => 'unknown')).trim();
  }
  // Program name and first argument identify it (`node cli.js`, `codex login`); more could be secret.
  const short = [words[0]?.split('/').pop(), words[1]?.split('/').pop()].filter(Boolean).join(' ');
  return short.length > 60 ? `${short.slice(0, 57)}...` : short;
}
