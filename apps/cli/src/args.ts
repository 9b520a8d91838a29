import { type FlagSpec, splitArgv } from './argv.js';
import { UsageError } from './usage-error.js';

/** The commands of `codex-oauth`, in the order `--help` lists them. */
export const COMMANDS = [
  'login',
  'status',
  'refresh',
  'token',
  'logout',
  'authorize-url',
  'doctor',
] as const;

/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

/** Every flag after parsing; absent flags are `undefined`. */
export interface Flags {
  flow?: 'auto' | 'browser' | 'device';
  storage?: 'auto' | 'file' | 'keyring' | 'memory';
  codexHome?: string;
  issuer?: string;
  port?: number;
  noOpen: boolean;
  timeoutSec?: number;
  force: boolean;
  json: boolean;
  noRevoke: boolean;
  help: boolean;
}

/** What the command line asks for. */
export type Invocation =
  | { kind: 'version' }
  | { kind: 'help'; command?: Command }
  | { kind: 'run'; command: Command; flags: Flags };

const OPTIONS = {
  flow: { type: 'string' },
  storage: { type: 'string' },
  'codex-home': { type: 'string' },
  issuer: { type: 'string' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  timeout: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-revoke': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Record<string, FlagSpec>;

type OptionName = keyof typeof OPTIONS;

const COMMON: OptionName[] = ['storage', 'codex-home', 'issuer', 'help'];

/** The flags each command accepts; anything else is a usage error, not silently ignored. */
const ALLOWED: Record<Command, readonly OptionName[]> = {
  login: [...COMMON, 'flow', 'port', 'no-open', 'timeout', 'force', 'json'],
  status: [...COMMON, 'json'],
  refresh: [...COMMON, 'force', 'json'],
  token: [...COMMON],
  logout: [...COMMON, 'no-revoke', 'json'],
  'authorize-url': ['codex-home', 'issuer', 'port', 'help', 'json'],
  doctor: [...COMMON, 'flow', 'port', 'json'],
};

/**
 * Parses `argv` (without `node` and the script) into an {@link Invocation}. Strict: unknown
 * flags, flags the command does not take, stray arguments and bad values throw {@link UsageError}.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed: ReturnType<typeof splitArgv>;
  try {
    parsed = splitArgv(argv, OPTIONS);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (name === undefined) {
    if (values.version) return { kind: 'version' };
    return { kind: 'help' };
  }
  if (name === 'help') {
    const topic = extra[0];
    return topic && isCommand(topic) ? { kind: 'help', command: topic } : { kind: 'help' };
  }
  if (!isCommand(name)) throw new UsageError(`Unknown command "${name}".`);
  if (values.help) return { kind: 'help', command: name };
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`, name);
  for (const key of Object.keys(values) as OptionName[]) {
    if (!ALLOWED[name].includes(key)) {
      throw new UsageError(`"${name}" does not take --${key}.`, name);
    }
  }
  return { kind: 'run', command: name, flags: toFlags(values, name) };
}

function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}

function toFlags(values: Record<string, string | boolean | undefined>, command: Command): Flags {
  const text = (key: OptionName) => values[key] as string | undefined;
  const flags: Flags = {
    noOpen: values['no-open'] === true,
    force: values.force === true,
    json: values.json === true,
    noRevoke: values['no-revoke'] === true,
    help: false,
  };
  const flow = text('flow');
  if (flow !== undefined) flags.flow = oneOf(flow, ['auto', 'browser', 'device'], 'flow', command);
  const storage = text('storage');
  if (storage !== undefined) {
    flags.storage = oneOf(storage, ['auto', 'file', 'keyring', 'memory'], 'storage', command);
  }
  const codexHome = text('codex-home');
  if (codexHome !== undefined) flags.codexHome = nonEmpty(codexHome, 'codex-home', command);
  const issuer = text('issuer');
  if (issuer !== undefined) flags.issuer = httpUrl(issuer, command);
  const port = text('port');
  if (port !== undefined) flags.port = integer(port, 'port', 0, 65535, command);
  const timeout = text('timeout');
  if (timeout !== undefined) flags.timeoutSec = integer(timeout, 'timeout', 1, 86_400, command);
  return flags;
}

function oneOf<const T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
  command: Command,
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}").`, command);
}

function nonEmpty(value: string, flag: string, command: Command): string {
  if (value.trim() !== '') return value;
  throw new UsageError(`--${flag} needs a value.`, command);
}

function integer(value: string, flag: string, min: number, max: number, command: Command): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && n >= min && n <= max) return n;
  throw new UsageError(
    `--${flag} must be a whole number from ${min} to ${max} (got "${value}").`,
    command,
  );
}

function httpUrl(value: string, command: Command): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value.replace(/\/+$/, '');
  } catch {
    // Reported below.
  }
  throw new UsageError(`--issuer must be an http(s) URL (got "${value}").`, command);
}
