import type { FakeIssuer } from '@codex-oauth/fake-issuer';

/** Who sent a refresh request, told apart by the `user-agent` header. */
export type Sender = 'ours' | 'codex' | 'other';

/** One refresh request as the fake issuer logged it, with what the issuer answered. */
export interface RefreshEntry {
  sender: Sender;
  refreshToken: string;
  reason: string | undefined;
  /** What the issuer answered: 200 rotated; 401 reused, revoked or unknown. */
  status: number | undefined;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** `codex-oauth/…` is ours, `codex_cli_rs/…` is the Codex CLI (SPEC §4). */
function senderOf(userAgent: unknown): Sender {
  const ua = String(userAgent ?? '');
  if (ua.startsWith('codex-oauth/')) return 'ours';
  if (ua.startsWith('codex_cli_rs/')) return 'codex';
  return 'other';
}

/**
 * The refresh requests (`/oauth/token` with `grant_type: refresh_token`) logged since request
 * number `from`, in arrival order (the order the issuer judged them in).
 */
export function refreshesSince(fake: FakeIssuer, from = 0): RefreshEntry[] {
  return fake.requests
    .slice(from)
    .filter(
      (r) =>
        r.path === '/oauth/token' &&
        (r.json as { grant_type?: string } | undefined)?.grant_type === 'refresh_token',
    )
    .map((r) => {
      const json = r.json as { refresh_token: string; refresh_reason?: string };
      return {
        sender: senderOf(r.headers['user-agent']),
        refreshToken: json.refresh_token,
        reason: json.refresh_reason,
        status: r.status,
        body: r.body,
        headers: r.headers,
      };
    });
}

/**
 * For each request, whether its refresh token had already been sent by an EARLIER request in the
 * log: that is what the issuer calls reuse (the first use rotates the token; every later use of
 * it is `refresh_token_reused` and revokes the whole grant).
 */
export function markReuse(entries: RefreshEntry[]): (RefreshEntry & { reused: boolean })[] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    const reused = seen.has(entry.refreshToken);
    seen.add(entry.refreshToken);
    return { ...entry, reused };
  });
}

/** Counts of a storm, for the report (no token values). */
export function tally(entries: RefreshEntry[]): Record<Sender, { sent: number; rejected: number }> {
  const out = {
    ours: { sent: 0, rejected: 0 },
    codex: { sent: 0, rejected: 0 },
    other: { sent: 0, rejected: 0 },
  };
  for (const e of entries) {
    out[e.sender].sent++;
    if (e.status !== 200) out[e.sender].rejected++;
  }
  return out;
}
