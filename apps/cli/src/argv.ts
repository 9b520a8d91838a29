/** How one flag is spelled and whether it takes a value (the shape of `util.parseArgs` options). */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/**
 * A flag `splitArgv` does not know, with what was parsed before it, so the caller can suggest the
 * flags of the command already named (`status --jsn` -> `--json`).
 */
export class UnknownOptionError extends Error {
  /** The flag as written, without any `=value` (`--jsn`, `-x`). */
  readonly option: string;
  /** The positional arguments before it (the command, when it came first). */
  readonly positionalsBefore: readonly string[];

  constructor(option: string, positionalsBefore: readonly string[]) {
    super(`Unknown option '${option}'.`);
    this.name = 'UnknownOptionError';
    this.option = option;
    this.positionalsBefore = positionalsBefore;
  }
}

/** `argv` split into flag values and positional arguments. */
export interface SplitArgv {
  values: Record<string, string | boolean>;
  positionals: string[];
}

/**
 * Splits `argv` like `util.parseArgs({ strict: true, allowPositionals: true })`: `--name`,
 * `--name=value`, `--name value`, one-letter short flags (`-h`), and `--` ending the flags.
 * Unknown flags throw {@link UnknownOptionError}; a string flag without its value (or followed by
 * another flag) and a value given to a boolean throw an `Error` with a message for people.
 *
 * Why not `util.parseArgs` itself: loading it costs ~0.6 ms, a tenth of the start-up budget of
 * `codex-oauth status` (bench/cli-start.mjs), for a grammar this small.
 */
export function splitArgv(
  argv: readonly string[],
  specs: Readonly<Record<string, FlagSpec>>,
): SplitArgv {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const shorts = new Map(
    Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const equals = long ? arg.indexOf('=') : -1;
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const name = long ? written.slice(2) : shorts.get(written.slice(1));
    // hasOwn: `--constructor` must not find Object.prototype's.
    const spec = name !== undefined && Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (name === undefined || spec === undefined) {
      throw new UnknownOptionError(written, [...positionals]);
    }
    if (spec.type === 'boolean') {
      if (equals !== -1) throw new Error(`Option '--${name}' does not take an argument.`);
      values[name] = true;
      continue;
    }
    const value = equals !== -1 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined) throw new Error(`Option '--${name} <value>' argument missing.`);
    if (equals === -1 && value.length > 1 && value.startsWith('-')) {
      // `--flow --json` is more likely a forgotten value than a flow named "--json".
      throw new Error(
        `Option '--${name}' needs a value; for one that starts with a dash, write --${name}=${value}.`,
      );
    }
    values[name] = value;
  }
  return { values, positionals };
}
