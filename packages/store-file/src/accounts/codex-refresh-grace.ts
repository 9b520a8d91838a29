import { setTimeout as sleep } from 'node:timers/promises';
import { isRefreshDue } from '@codex-oauth/core/model';
import { readActive } from './active-auth.js';

/** How long a switch waits for a Codex refresh that may be under way. */
export const CODEX_REFRESH_GRACE_MS = 3_000;

/**
 * Gives a Codex refresh that may be running right now the time to land before a switch reads
 * `auth.json`. Codex 0.169 takes no lock across a refresh: it reads `auth.json`, sends the request,
 * and only then takes `auth.lock` to write; and when it finds another account in `auth.json` by
 * then, it drops the new tokens (seen in `accounts-codex.test.ts`), which leaves the account's
 * entry holding a rotated refresh token. Codex refreshes when the token is due, so only then does
 * this wait: until `auth.json` changes (Codex's write) or `graceMs` passes. Without a Codex at
 * work it costs `graceMs` once, for a switch away from an account whose token is due.
 */
export async function awaitCodexRefresh(codexHome: string, graceMs: number): Promise<void> {
  if (graceMs <= 0) return;
  const first = await readActive(codexHome).catch(() => null);
  if (first === null || !isRefreshDue(first.record)) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(50);
    const now = await readActive(codexHome).catch(() => null);
    if (now?.text !== first.text) return;
  }
}
