import { type FlagSpec, splitArgv, UnknownOptionError } from './argv.js';
import { UsageError } from './usage-error.js';

/** The commands of `codex-oauth`, in the order `--help` lists them. */
export const COMMANDS = [
  'login',
  'status',
  'refresh',
  'token',
  'logout',
  'doctor',
  'keep-fresh',
  'accounts',
  'switch',
] as const;

/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

/** Every flag after parsing; absent flags are `undefined`. */
export interface Flags {
  flow?: 'auto' | 'browser' | 'device' | 'paste';
  storage?: 'auto' | 'file' | 'keyring' | 'memory' | 'redis';
  /** `--redis-url` (may hold a password: never echo it). */
  redisUrl?: string;
  redisKey?: string;
  codexHome?: string;
  issuer?: string;
  port?: number;
  noOpen: boolean;
  timeoutSec?: number;
  force: boolean;
  json: boolean;
  noRevoke: boolean;
  help: boolean;
  /** `keep-fresh --once`: one check (and refresh if due), then exit. */
  once: boolean;
  /** `--refresh-window SECONDS`: refresh when the token expires within this many seconds. */
  refreshWindowSec?: number;
  /** `keep-fresh --check-every SECONDS`: longest sleep between two looks at auth.json. */
  checkEverySec?: number;
  /** `--account <email | account id | number>`: work on that saved account (token, logout, ...). */
  account?: string;
  /** `login --add`: sign in another account and keep the current one. */
  add: boolean;
  /** `login --with-api-key`: store the OpenAI API key read from stdin (as `codex login --with-api-key`). */
  withApiKey: boolean;
  /** `switch <email | account id | number>`: the account to make active. */
  target?: string;
}

/** What the command line asks for. */
export type Invocation =
  | { kind: 'version' }
  | { kind: 'help'; command?: Command }
  | { kind: 'run'; command: Command; flags: Flags };

const OPTIONS = {
  flow: { type: 'string' },
  storage: { type: 'string' },
  'redis-url': { type: 'string' },
  'redis-key': { type: 'string' },
  'codex-home': { type: 'string' },
  issuer: { type: 'string' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  timeout: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-revoke': { type: 'boolean' },
  once: { type: 'boolean' },
  'refresh-window': { type: 'string' },
  'check-every': { type: 'string' },
  account: { type: 'string' },
  add: { type: 'boolean' },
  'with-api-key': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Record<string, FlagSpec>;

type OptionName = keyof typeof OPTIONS;

const COMMON: OptionName[] = ['storage', 'redis-url', 'redis-key', 'codex-home', 'issuer', 'help'];

/** The flags each command accepts; anything else is a usage error, not silently ignored. */
const ALLOWED: Record<Command, readonly OptionName[]> = {
  login: [...COMMON, 'flow', 'port', 'no-open', 'timeout', 'force', 'json', 'add', 'with-api-key'],
  status: [...COMMON, 'json', 'account'],
  refresh: [...COMMON, 'force', 'json', 'refresh-window', 'account'],
  token: [...COMMON, 'refresh-window', 'account'],
  logout: [...COMMON, 'no-revoke', 'json', 'account'],
  doctor: [...COMMON, 'flow', 'port', 'json'],
  'keep-fresh': [...COMMON, 'once', 'json', 'refresh-window', 'check-every'],
  accounts: ['codex-home', 'help', 'json'],
  switch: ['codex-home', 'help', 'json'],
};

/**
 * Commands that are gone, and what to use instead. `authorize-url` printed a link whose PKCE
 * verifier and state it threw away, so no one could finish the sign-in it started; printing
 * them instead would put secrets on stdout with nothing here to finish the exchange. The paste
 * sign-in does the same job whole (issue 22).
 */
const REMOVED: Readonly<Record<string, string>> = {
  'authorize-url':
    '"authorize-url" was removed: nothing could finish the sign-in its link started. To sign in ' +
    'with a browser on another machine, run codex-oauth login --flow paste (it prints the link ' +
    'and finishes when you paste the address the browser lands on); a program uses ' +
    "@codex-oauth/core's beginLogin() and submitRedirect().",
};

/** Commands that take one positional argument (what it is called, for the usage error). */
const POSITIONAL: Partial<Record<Command, string>> = {
  switch: 'an account (email, account id or number)',
};

/**
 * Parses `argv` (without `node` and the script) into an {@link Invocation}. Strict: unknown
 * flags, flags the command does not take, stray arguments and bad values throw {@link UsageError}.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  refuseKeyOnCommandLine(argv);
  let parsed: ReturnType<typeof splitArgv>;
  try {
    parsed = splitArgv(argv, OPTIONS);
  } catch (error) {
    if (error instanceof UnknownOptionError) throw unknownOption(error);
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
    if (!topic) return { kind: 'help' };
    // `help logn` is as much a typo as `logn`: the same error and suggestion, not the overview.
    if (!isCommand(topic)) throw unknownCommand(topic, 'codex-oauth help');
    return { kind: 'help', command: topic };
  }
  if (!isCommand(name)) throw unknownCommand(name, 'codex-oauth');
  if (values.help) return { kind: 'help', command: name };
  const wanted = POSITIONAL[name];
  if (wanted !== undefined && (extra[0] ?? '').trim() === '') {
    throw new UsageError(`"${name}" needs ${wanted}.`, name);
  }
  if (extra.length > (wanted === undefined ? 0 : 1)) {
    if (values['with-api-key']) throw new UsageError(`${KEY_ON_STDIN}.`, name);
    throw new UsageError(`Unexpected argument "${extra[wanted === undefined ? 0 : 1]}".`, name);
  }
  for (const key of Object.keys(values) as OptionName[]) {
    if (!ALLOWED[name].includes(key)) {
      const takers = COMMANDS.filter((command) => ALLOWED[command].includes(key));
      throw new UsageError(
        `"${name}" does not take --${key}${takers.length > 0 ? ` (${listed(takers)} ${takers.length === 1 ? 'does' : 'do'})` : ''}.`,
        name,
        {
          word: key,
          candidates: ALLOWED[name],
          format: (match) => `Did you mean --${match}?`,
        },
      );
    }
  }
  const flags = toFlags(values, name);
  if (wanted !== undefined) flags.target = extra[0] as string;
  return { kind: 'run', command: name, flags };
}

/**
 * A flag nobody takes, with a "did you mean" among the flags of the command named before it (all
 * flags when none was), so `status --jsn` suggests `--json` and `status --forse` suggests nothing
 * (`--force` is not one of status's).
 */
function unknownOption(error: UnknownOptionError): UsageError {
  const first = error.positionalsBefore[0];
  const command = first !== undefined && isCommand(first) ? first : undefined;
  const long = error.option.startsWith('--') ? error.option.slice(2) : undefined;
  const candidates =
    command !== undefined ? ALLOWED[command] : (Object.keys(OPTIONS) as OptionName[]);
  return new UsageError(
    error.message,
    command,
    long === undefined
      ? undefined
      : { word: long, candidates, format: (match) => `Did you mean --${match}?` },
  );
}

/**
 * A word that names no command: what replaced it when it was removed (`authorize-url`), else a
 * "did you mean" among the commands, written as `<prefix> <match>`.
 */
function unknownCommand(word: string, prefix: string): UsageError {
  const removed = REMOVED[word];
  if (removed !== undefined) return new UsageError(removed);
  return new UsageError(`Unknown command "${word}".`, undefined, {
    word,
    candidates: prefix === 'codex-oauth' ? [...COMMANDS, 'help'] : COMMANDS,
    format: (match) => `Did you mean "${prefix} ${match}"?`,
  });
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** How to give an API key, for every refusal of one on the command line (never quoted back). */
const KEY_ON_STDIN =
  'An API key is read from stdin, never from the command line (ps and shell history would ' +
  'show it): printenv OPENAI_API_KEY | codex-oauth login --with-api-key';

/**
 * `--api-key KEY` (Codex's old flag, which it now refuses too) would put a secret where other
 * users (`ps`) and shell history see it: refused before anything else, without quoting it.
 */
function refuseKeyOnCommandLine(argv: readonly string[]): void {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (flags.some((arg) => arg === '--api-key' || arg.startsWith('--api-key='))) {
    throw new UsageError(`--api-key is not supported. ${KEY_ON_STDIN}.`, 'login');
  }
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
    once: values.once === true,
    add: values.add === true,
    withApiKey: values['with-api-key'] === true,
  };
  const account = text('account');
  if (account !== undefined) flags.account = nonEmpty(account, 'account', command);
  const flow = text('flow');
  if (flow !== undefined) {
    flags.flow = oneOf(flow, ['auto', 'browser', 'device', 'paste'], 'flow', command);
  }
  const storage = text('storage');
  if (storage !== undefined) {
    flags.storage = oneOf(
      storage,
      ['auto', 'file', 'keyring', 'memory', 'redis'],
      'storage',
      command,
    );
  }
  const redisUrl = text('redis-url');
  if (redisUrl !== undefined) {
    // The value is not quoted back: a Redis URL may carry a password.
    if (!/^(rediss?|unix):\/\/./.test(redisUrl)) {
      throw new UsageError('--redis-url must be a redis://, rediss:// or unix:// URL.', command);
    }
    flags.redisUrl = redisUrl;
  }
  const redisKey = text('redis-key');
  if (redisKey !== undefined) flags.redisKey = nonEmpty(redisKey, 'redis-key', command);
  const codexHome = text('codex-home');
  if (codexHome !== undefined) flags.codexHome = nonEmpty(codexHome, 'codex-home', command);
  const issuer = text('issuer');
  if (issuer !== undefined) flags.issuer = httpUrl(issuer, command);
  const port = text('port');
  if (port !== undefined) flags.port = integer(port, 'port', 0, 65535, command);
  const timeout = text('timeout');
  if (timeout !== undefined) flags.timeoutSec = integer(timeout, 'timeout', 1, 86_400, command);
  const window = text('refresh-window');
  if (window !== undefined) {
    flags.refreshWindowSec = integer(window, 'refresh-window', 0, 31_536_000, command);
  }
  const every = text('check-every');
  if (every !== undefined) flags.checkEverySec = integer(every, 'check-every', 1, 86_400, command);
  return flags;
}

function oneOf<const T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
  command: Command,
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `--${flag} must be one of ${allowed.join(', ')} (got "${value}").`,
    command,
    { word: value, candidates: allowed, format: (match) => `Did you mean --${flag} ${match}?` },
  );
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
