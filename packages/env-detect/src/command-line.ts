/**
 * Splits a command line the way a POSIX shell splits words, without running a shell: whitespace
 * separates words, single quotes keep everything literal, double quotes keep everything but `\"`
 * and `\\`, and a backslash outside quotes escapes the next character. Nothing is expanded.
 * Used for `BROWSER`, which may carry arguments (`BROWSER="firefox --new-window"`).
 *
 * @example
 * ```ts
 * splitCommandLine(`"/opt/My Browser/run" --new-window`); // ['/opt/My Browser/run', '--new-window']
 * ```
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Escapes a URL for the command line `cmd.exe /c start "" <url>` builds. cmd.exe reads that line
 * itself, so `&`, `|`, `<`, `>`, `(`, `)`, `"` and `!` would end or redirect the command, and
 * `%name%` would expand a variable. Each gets a caret: `^&` is a literal `&` once cmd has parsed
 * the line, and `^%` breaks any `%name%` because no variable name holds a caret. The URL must not
 * be quoted as well, because inside quotes a caret is literal and would reach the browser.
 *
 * The input must already be a WHATWG-serialised URL (`new URL(x).href`), which percent-encodes
 * spaces, quotes and non-ASCII, so none of those reach cmd.exe.
 *
 * @example
 * ```ts
 * escapeForCmd('https://a.example/?x=1&y=^2'); // 'https://a.example/?x=1^&y=^^2'
 * ```
 */
export function escapeForCmd(href: string): string {
  return href.replace(/[\^&|<>()%!"]/g, '^$&');
}

/**
 * Quotes a value as a PowerShell single-quoted string: only `'` is special inside one, and it is
 * written twice. PowerShell also treats the typographic quotes U+2018–U+201B as single quotes, so
 * they are doubled too (a WHATWG-serialised URL never holds them; this is for any other caller).
 *
 * @example
 * ```ts
 * quoteForPowerShell("https://a.example/it's"); // "'https://a.example/it''s'"
 * ```
 */
export function quoteForPowerShell(value: string): string {
  return `'${value.replace(/['\u2018-\u201b]/g, '$&$&')}'`;
}
