// @ts-check
import { MIN_SECRET_LENGTH } from './patterns.mjs';

/** @typedef {import('./patterns.mjs').Pattern} Pattern */

/**
 * @typedef {object} Finding
 * @property {string} source  Where: `stdout`, `stderr` or a file path.
 * @property {number} line    1-based line number in that source (after ANSI colours are removed).
 * @property {string} kind    The secret's kind, e.g. `access_token`.
 * @property {Pattern['part']} part Which part was found: the whole secret or one JWT segment.
 * @property {string} hash    Short hash of the whole secret (the secret itself is never reported).
 * @property {string} context The line with every known secret replaced by `«kind#hash»`, cut short.
 * @property {string | null} near The closest earlier line naming a test file, redacted the same way.
 */

/** Characters a minted secret is made of (base64url, hex, `_`/`-` prefixes, `.` in JWTs, `~`). */
const SECRET_RUN = /[A-Za-z0-9._~-]{16,}/g;
/** ANSI colour and cursor sequences: vitest colours diffs inside strings, splitting a secret. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI sequences start with ESC
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
/** A test file reference, as vitest prints it in `✓`, `FAIL` and `stdout |` lines. */
const TEST_FILE = /[\w./@-]+\.(?:test|spec|e2e)\.[cm]?[jt]sx?/;
/** How far back {@link Finding.near} looks for a test file name. */
const NEAR_LINES = 400;
const CONTEXT_CHARS = 240;

/**
 * An index of patterns by their first {@link MIN_SECRET_LENGTH} characters, so a scan costs one
 * map look-up per character of candidate text however many secrets there are.
 *
 * @param {Pattern[]} patterns
 * @returns {Map<string, Pattern[]>}
 */
export function indexPatterns(patterns) {
  /** @type {Map<string, Pattern[]>} */
  const index = new Map();
  for (const pattern of patterns) {
    const key = pattern.text.slice(0, MIN_SECRET_LENGTH);
    const list = index.get(key) ?? [];
    list.push(pattern);
    index.set(key, list);
  }
  return index;
}

/**
 * Every occurrence of a pattern in one line: `[start, end, pattern]`.
 *
 * @param {string} line
 * @param {Map<string, Pattern[]>} index
 * @returns {Array<[number, number, Pattern]>}
 */
function occurrences(line, index) {
  /** @type {Array<[number, number, Pattern]>} */
  const found = [];
  for (const run of line.matchAll(SECRET_RUN)) {
    const text = run[0];
    const offset = run.index ?? 0;
    for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; i++) {
      const candidates = index.get(text.slice(i, i + MIN_SECRET_LENGTH));
      if (!candidates) continue;
      for (const pattern of candidates) {
        if (text.startsWith(pattern.text, i)) {
          found.push([offset + i, offset + i + pattern.text.length, pattern]);
        }
      }
    }
  }
  return found;
}

/**
 * The line with every known secret (and segment) replaced by `«kind:part#hash»`, cut to
 * {@link CONTEXT_CHARS}: safe to print.
 *
 * @param {string} line
 * @param {Map<string, Pattern[]>} index
 */
export function redactLine(line, index) {
  const found = occurrences(line, index).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [start, end, pattern] of found) {
    if (start < at) continue; // inside a longer match already replaced
    const part = pattern.part === 'whole' ? '' : `:${pattern.part}`;
    out += `${line.slice(at, start)}«${pattern.kind}${part}#${pattern.hash}»`;
    at = end;
  }
  out += line.slice(at);
  return out.length > CONTEXT_CHARS ? `${out.slice(0, CONTEXT_CHARS)}…` : out;
}

/**
 * Find every secret in a captured text. One finding per line and secret: when the whole secret is
 * on a line, its segments (which it contains) are not reported again.
 *
 * @param {string} text
 * @param {Pattern[] | Map<string, Pattern[]>} patterns a list, or an index from {@link indexPatterns}
 * @param {string} source a name for the report (`stdout`, a file path)
 * @returns {Finding[]}
 */
export function findLeaks(text, patterns, source) {
  const index = patterns instanceof Map ? patterns : indexPatterns(patterns);
  if (index.size === 0) return [];
  const lines = text.replace(ANSI, '').split('\n');
  /** @type {Finding[]} */
  const findings = [];
  lines.forEach((line, i) => {
    if (line.length < MIN_SECRET_LENGTH) return;
    const found = occurrences(line, index);
    if (found.length === 0) return;
    const whole = new Set(found.filter(([, , p]) => p.part === 'whole').map(([, , p]) => p.hash));
    const seen = new Set();
    for (const [, , pattern] of found) {
      if (pattern.part !== 'whole' && whole.has(pattern.hash)) continue;
      const key = `${pattern.hash}:${pattern.part}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        source,
        line: i + 1,
        kind: pattern.kind,
        part: pattern.part,
        hash: pattern.hash,
        context: redactLine(line, index),
        near: nearTestFile(lines, i, index),
      });
    }
  });
  return findings;
}

/**
 * The closest line at or before `at` that names a test file, so a report says which test printed.
 *
 * @param {string[]} lines
 * @param {number} at
 * @param {Map<string, Pattern[]>} index
 */
function nearTestFile(lines, at, index) {
  for (let i = at; i >= 0 && i > at - NEAR_LINES; i--) {
    const line = lines[i] ?? '';
    if (TEST_FILE.test(line)) return redactLine(line.trim(), index);
  }
  return null;
}

/**
 * A report line for one finding. Never contains a secret: only its kind, part, hash and the
 * redacted context.
 *
 * @param {Finding} finding
 */
export function formatFinding(finding) {
  const part = finding.part === 'whole' ? '' : ` (${finding.part} segment)`;
  const lines = [
    `  ${finding.source}:${finding.line}  ${finding.kind}${part}  #${finding.hash}`,
    `    line: ${finding.context}`,
  ];
  if (finding.near) lines.push(`    near: ${finding.near}`);
  return lines.join('\n');
}
