// node:fs through `process.getBuiltinModule`, not an `import`: an ES import of a built-in builds
// its whole namespace, and node:fs's then loads the streams (about 20 internal modules, ~1.5 ms
// on Node 20), which `--help` and `--version` would pay for three sync calls (bench/trade-offs.md).
const { fstatSync, statSync, writeSync } = process.getBuiltinModule('node:fs');

// Why not process.stdout / process.stderr: the first touch of either getter builds a stream
// (loading net or tty), about 2-3 ms each, which is most of the start-up budget of `status`.
// Synchronous writes to the descriptors also cannot be lost by an early process.exit().

let devNull: bigint | undefined;

/**
 * Whether `fd` is a terminal, without loading `node:tty`: a character device other than
 * /dev/null. On Windows, where that test means nothing, `tty.isatty` decides.
 */
export function isTerminal(fd: number): boolean {
  try {
    if (process.platform === 'win32') {
      // Loaded only on Windows, where no cheaper test exists.
      return process.getBuiltinModule('node:tty').isatty(fd);
    }
    // BigInt stats on purpose: they fill their own buffer. Node 20's fs.realpathSync (which its
    // module loaders use, with a cache) reads the shared stat buffer of the *last* stat and stops
    // resolving early when that was a pipe or socket, so a plain fstat of a piped stdout made
    // every later import through a workspace symlink resolve to the link instead of its target
    // (node-redis then could not find @redis/client). Node 24 does not have this.
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isCharacterDevice()) return false;
    devNull ??= statSync('/dev/null', { bigint: true }).rdev;
    return stat.rdev !== devNull;
  } catch {
    return false;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd`. A descriptor left non-blocking by the parent answers EAGAIN when
 * its pipe is full: wait a millisecond and go on. A reader that went away (EPIPE, `| head`) ends
 * the output silently, as in other command-line tools.
 */
export function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text, 'utf8');
  let spins = 0;
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
      spins = 0;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && spins < 5_000) {
        spins += 1;
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE' || code === 'EAGAIN') return;
      throw error;
    }
  }
}
