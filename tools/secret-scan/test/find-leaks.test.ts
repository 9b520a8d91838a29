import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findLeaks, formatFinding, redactLine } from '../src/find-leaks.mjs';
import { buildPatterns, parseSecretsLog, shortHash } from '../src/patterns.mjs';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'RS256', typ: 'JWT', kid: 'fake' });
/** A JWT shaped like the fake issuer's: fixed header, unique payload, random signature. */
const jwt = () =>
  `${HEADER}.${b64({ sub: 'auth0|user', jti: randomBytes(8).toString('hex') })}.${randomBytes(32).toString('base64url')}`;

describe('parseSecretsLog and buildPatterns', () => {
  it('reads kind<TAB>value lines and skips malformed ones', () => {
    expect(
      parseSecretsLog('access_token\tabc\n\nnot a line\n\tno-kind\nrefresh_token\trt_1\n'),
    ).toEqual([
      { kind: 'access_token', value: 'abc' },
      { kind: 'refresh_token', value: 'rt_1' },
    ]);
  });

  it('searches a JWT whole and by its unique payload and signature, never by its header', () => {
    const [a, b] = [jwt(), jwt()];
    const patterns = buildPatterns([
      { kind: 'access_token', value: a },
      { kind: 'id_token', value: b },
    ]);
    const of = (token: string) =>
      patterns.filter((p) => p.hash === shortHash(token)).map((p) => p.part);
    expect(of(a).sort()).toEqual(['payload', 'signature', 'whole']);
    expect(of(b).sort()).toEqual(['payload', 'signature', 'whole']);
    expect(patterns.some((p) => p.text === HEADER)).toBe(false);
  });

  it('skips values shorter than 16 characters and merges kinds of one value', () => {
    const verifier = randomBytes(64).toString('base64url');
    const patterns = buildPatterns([
      { kind: 'authorization_code', value: 'ac_short' },
      { kind: 'device_code_verifier', value: verifier },
      { kind: 'pkce_verifier', value: verifier },
    ]);
    expect(patterns).toHaveLength(1);
    expect(patterns[0]?.kind).toBe('device_code_verifier/pkce_verifier');
  });
});

describe('findLeaks', () => {
  const token = jwt();
  const refresh = `rt_${randomBytes(20).toString('hex')}`;
  const patterns = buildPatterns([
    { kind: 'access_token', value: token },
    { kind: 'refresh_token', value: refresh },
  ]);
  const [, payload] = token.split('.') as [string, string, string];

  it('finds nothing in a capture without secrets', () => {
    const capture = `@codex-oauth/core:test:  ✓ test/a.test.ts (3 tests)\n${HEADER}\nrt_${'0'.repeat(40)}\n`;
    expect(findLeaks(capture, patterns, 'stdout')).toEqual([]);
  });

  it('reports a whole secret once, with line, kind, hash and nearest test file', () => {
    const capture = [
      '@codex-oauth/cli:test: stdout | test/login.test.ts > prints a token',
      `@codex-oauth/cli:test: Bearer ${token} and again ${token}`,
      'done',
    ].join('\n');
    const findings = findLeaks(capture, patterns, 'stdout');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      source: 'stdout',
      line: 2,
      kind: 'access_token',
      part: 'whole',
      hash: createHash('sha256').update(token).digest('hex').slice(0, 12),
      near: '@codex-oauth/cli:test: stdout | test/login.test.ts > prints a token',
    });
    const report = formatFinding(findings[0]!);
    expect(report.includes(payload)).toBe(false);
    expect(report).toContain(`«access_token#${shortHash(token)}» and again «access_token#`);
  });

  it('finds a payload segment alone, a secret inside a longer word, and one split by ANSI colours', () => {
    const capture = [
      `claims: ${payload}`,
      `url?token=x${refresh}y`,
      `diff: "${refresh.slice(0, 20)}\u001b[31m\u001b[39m${refresh.slice(20)}"`,
    ].join('\n');
    const findings = findLeaks(capture, patterns, 'file.log');
    expect(findings.map((f) => [f.line, f.kind, f.part])).toEqual([
      [1, 'access_token', 'payload'],
      [2, 'refresh_token', 'whole'],
      [3, 'refresh_token', 'whole'],
    ]);
    for (const finding of findings) {
      const report = formatFinding(finding);
      expect(report.includes(payload) || report.includes(refresh)).toBe(false);
    }
  });

  it('redacts every known secret in a context line', () => {
    const line = `${refresh} ${payload}`;
    const index = new Map([[refresh.slice(0, 16), [patterns.find((p) => p.text === refresh)!]]]);
    expect(redactLine(line, index)).toBe(`«refresh_token#${shortHash(refresh)}» ${payload}`);
  });
});
