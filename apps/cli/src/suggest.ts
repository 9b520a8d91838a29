/**
 * The candidate `word` most likely meant, or `undefined` when none is close: the smallest
 * Levenshtein distance (the `leven` package, imported here when a suggestion is wanted: a static
 * import would be hoisted into `dist/main.js` and loaded by every command line, correct ones
 * included), at most a third of the longer word (at least 1, at most 3), so `logn`
 * finds `login` and `stat` finds `status` but `frobnicate` finds nothing. A candidate that
 * starts with `word` (at least 3 characters) counts as close too, when it is the only one
 * (`keep` -> `keep-fresh`; `log` could be login or logout, so it suggests neither). Ties go to
 * the first candidate, so callers list the likelier ones first. Two neighbouring letters swapped
 * (`flwo`, the commonest typo) count as one edit, as in git's suggestions; Levenshtein alone
 * counts two.
 */
export async function closestMatch(
  word: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  const typed = word.toLowerCase();
  if (typed === '') return undefined;
  const { default: leven } = await import('leven');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const limit = Math.min(
      3,
      Math.max(1, Math.floor(Math.max(typed.length, candidate.length) / 3)),
    );
    const lower = candidate.toLowerCase();
    const distance = swapsTwo(typed, lower) ? 1 : leven(typed, lower, { maxDistance: limit + 1 });
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const prefixed = candidates.filter((c) => typed.length >= 3 && c.toLowerCase().startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Whether `a` is `b` with two neighbouring characters swapped. */
function swapsTwo(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return (
    i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  );
}
