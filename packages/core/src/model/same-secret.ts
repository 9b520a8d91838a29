/**
 * Whether `got` is `expected`, compared in constant time (an OAuth `state`: a timing difference
 * must not tell an attacker how much of a guess was right). `node:crypto` is taken when a
 * comparison is made, not imported: only a sign-in compares, and importing core should not load
 * crypto for every program that only reads a token (bench/trade-offs.md).
 */
export function sameSecret(got: string, expected: string): boolean {
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  return a.length === b.length && process.getBuiltinModule('node:crypto').timingSafeEqual(a, b);
}
