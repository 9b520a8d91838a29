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

/**
 * Whether to colour a stream: `NO_COLOR` (any non-empty value, https://no-color.org) turns colour
 * off; `FORCE_COLOR` (non-empty, not `0`) turns it on; otherwise only a TTY whose `TERM` is not
 * `dumb` gets colour.
 */
export function colorEnabled(
  isTTY: boolean,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
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
