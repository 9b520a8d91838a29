/** The facts of an account that the CLI shows. */
export interface AccountFacts {
  email: string | null;
  planType: string | null;
  accountId: string | null;
  authMode?: 'chatgpt' | 'apikey' | null;
}

/** `alice@example.com (plus, workspace acc_123)`, leaving out what is unknown. */
export function describeAccount(facts: AccountFacts): string {
  if (facts.authMode === 'apikey') return 'an API key (no ChatGPT account)';
  const details = [facts.planType, facts.accountId ? `workspace ${facts.accountId}` : null].filter(
    Boolean,
  );
  const who = facts.email ?? 'an unknown account';
  return details.length > 0 ? `${who} (${details.join(', ')})` : who;
}

/** `in 59 minutes`, `3 hours ago`, `just now`: the distance from `now` to `date` in words. */
function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  // Each unit is used while its rounded count stays below the next unit (59 minutes, then 1 hour).
  const minutes = Math.max(1, Math.round(abs / 60));
  const hours = Math.round(abs / 3_600);
  const [n, name] =
    minutes < 60
      ? [minutes, 'minute']
      : hours < 24
        ? [hours, 'hour']
        : [Math.round(abs / 86_400), 'day'];
  const text = `${n} ${name}${n === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** `2025-01-01 12:00 UTC`: short, unambiguous, and the same on every machine. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 59 minutes (2025-01-01 12:00 UTC)`. */
export function when(date: Date, now?: Date): string {
  return `${relativeTime(date, now)} (${utc(date)})`;
}

/** Aligned `label: value` rows, indented by two spaces. */
export function rows(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
  return pairs.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)}${value}`).join('\n');
}
