/** ANSI styles, or identity functions when colour is off. */
export interface Colors {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `\x1b[${open}m${text}\x1b[${close}m`;

/** A variable counts as set when it is non-empty (an empty `NO_COLOR=` means unset, as no-color.org says). */
const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Whether to colour a stream. The first rule that applies decides:
 *
 * 1. `NO_COLOR` set (any non-empty value, https://no-color.org): off, whatever else says.
 * 2. `FORCE_COLOR` set: on, unless it is `0` (Node's and chalk's convention).
 * 3. `CLICOLOR_FORCE` set and not `0` (https://bixense.com/clicolors/): on, even when not a TTY.
 * 4. `CLICOLOR=0`: off, even on a TTY.
 * 5. Otherwise (`CLICOLOR` unset or non-zero): on only for a TTY whose `TERM` is not `dumb`.
 *
 * NO_COLOR wins over the forcing variables because it is the user's standing "never" (set in a
 * profile), while FORCE_COLOR / CLICOLOR_FORCE are usually set by a tool for its child; FORCE_COLOR
 * ranks above CLICOLOR_FORCE as the more specific, Node-world variable (so `FORCE_COLOR=0` still
 * turns colour off under a CLICOLOR_FORCE=1 set by a wrapper). `CLICOLOR_FORCE=0` forces nothing.
 */
export function colorEnabled(
  isTTY: boolean,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (isSet(env.NO_COLOR)) return false;
  if (isSet(env.FORCE_COLOR)) return env.FORCE_COLOR !== '0';
  if (isSet(env.CLICOLOR_FORCE) && env.CLICOLOR_FORCE !== '0') return true;
  if (env.CLICOLOR === '0') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** A palette that styles when `enabled` and returns text unchanged otherwise. */
export function createColors(enabled: boolean): Colors {
  const style = (open: number, close: number) =>
    enabled ? wrap(open, close) : (text: string) => text;
  return {
    enabled,
    bold: style(1, 22),
    dim: style(2, 22),
    red: style(31, 39),
    green: style(32, 39),
    yellow: style(33, 39),
    cyan: style(36, 39),
  };
}
