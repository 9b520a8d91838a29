import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getAccessToken, login } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { fileStore } from '@codex-oauth/store-file';
import { afterAll, expect, it } from 'vitest';
import { type MarkedChild, REFRESH_CHILD, startMarked } from './helpers/child.js';
import { sessionOptions, settled, TOKEN_PATH, tempHome } from './helpers/session.js';

// Rounds run in LANES parallel lanes, each with its own issuer (faults are per issuer) and a new
// CODEX_HOME per round. The wall-clock budget only stops new rounds from starting; every round
// that starts is checked in full.
const ROUNDS = 250;
const LANES = 3;
const BUDGET_MS = 150_000;
// A refresh takes ~50-90 ms after "go" here; kills land anywhere in [0, KILL_WINDOW_MS).
const KILL_WINDOW_MS = 110;

type Phase =
  | 'before lock'
  | 'taking lock'
  | 'holding lock, before request'
  | 'request in flight, not processed'
  | 'request in flight, processed'
  | 'answer received, not saved'
  | 'during save'
  | 'after save'
  | 'finished before kill';

interface Tally {
  rounds: number;
  fileA: number;
  fileB: number;
  lostRotation: number;
  leftoverTemps: number;
}

const tally = new Map<Phase, Tally>();
const homes: Awaited<ReturnType<typeof tempHome>>[] = [];
const issuers: FakeIssuer[] = [];
afterAll(async () => {
  await Promise.all(issuers.map((fake) => fake.stop()));
  await Promise.all(homes.map((home) => home.cleanup()));
});

function phaseOf(marks: string[], rotated: boolean): Phase {
  if (marks.some((m) => m.startsWith('done'))) return 'finished before kill';
  const last = marks.at(-1);
  switch (last) {
    case 'ready':
    case 'go':
      return 'before lock';
    case 'lock-wait':
      return 'taking lock';
    case 'locked':
      return 'holding lock, before request';
    case 'sent':
      return rotated ? 'request in flight, processed' : 'request in flight, not processed';
    case 'answered':
      return 'answer received, not saved';
    case 'saving':
      return 'during save';
    default:
      return 'after save';
  }
}

// Kill points: half the rounds at a random moment, half right after a chosen marker, so every
// phase gets kills even though some (the save) last only a few milliseconds.
const TARGETS = ['go', 'lock-wait', 'locked', 'sent', 'answered', 'saving'] as const;

/** A lane: one issuer, one CODEX_HOME, a grant that lives until a lost rotation revokes it. */
interface Lane {
  fake: FakeIssuer;
  home: string;
  signedIn: boolean;
  /** Temp files already counted. */
  temps: Set<string>;
  spare?: MarkedChild;
}

/** One round: record A (due), a refreshing child, SIGKILL at a random point, then the checks. */
async function round(lane: Lane): Promise<void> {
  const { fake, home } = lane;
  const authPath = join(home, 'auth.json');
  if (!lane.signedIn) {
    await login(sessionOptions(fake, { codexHome: home, flow: 'browser', storage: 'file' }));
    lane.signedIn = true;
  }
  const recordA = await readFile(authPath);
  const rtA = JSON.parse(recordA.toString('utf8')).tokens.refresh_token as string;
  const grant = fake.issued.grants.find((g) => g.refreshTokens.includes(rtA))!;
  const indexA = grant.refreshTokens.indexOf(rtA);
  // Half the rounds make the issuer slow, so kills also land while waiting on the network.
  if (Math.random() < 0.5) {
    fake.inject({ path: TOKEN_PATH, kind: 'delay', ms: 10 + Math.floor(Math.random() * 70) });
  }

  // The next round's child starts loading now, overlapping this round's waits.
  const proc = lane.spare ?? startMarked(REFRESH_CHILD, [fake.url, home]);
  lane.spare = startMarked(REFRESH_CHILD, [fake.url, home]);
  await proc.ready;
  const target =
    Math.random() < 0.5 ? (TARGETS[Math.floor(Math.random() * TARGETS.length)] ?? null) : null;
  proc.child.stdin?.write('go\n');
  if (target === null) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * KILL_WINDOW_MS));
  } else {
    await proc.reached(target, 2_000);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
  }
  proc.child.kill('SIGKILL');
  const exit = await proc.exited;
  expect(exit.code === 0 || exit.signal === 'SIGKILL').toBe(true);
  fake.clearFaults();
  // A request the child sent before dying is still processed by the issuer (as a real server
  // would): wait until it has been, so the checks below see the issuer's final state.
  await settled(fake);

  // 1. auth.json is record A byte for byte, or record B exactly as the issuer issued it.
  const after = await readFile(authPath);
  JSON.parse(after.toString('utf8'));
  const isA = after.equals(recordA);
  if (!isA) {
    const parsed = JSON.parse(after.toString('utf8'));
    // Booleans, so a failure never prints a token.
    expect(parsed.tokens.refresh_token === grant.refreshTokens[indexA + 1]).toBe(true);
    expect(parsed.tokens.access_token === grant.accessTokens[indexA + 1]).toBe(true);
    expect(parsed.tokens.id_token === grant.idTokens[indexA + 1]).toBe(true);
  }
  expect(await fileStore({ codexHome: home }).load()).not.toBeNull();
  const rotated = grant.refreshTokens.length > indexA + 1;
  const phase = phaseOf(proc.marks, rotated);

  // 2. Neither lock is stuck: the refresh lock can be taken (the kernel dropped the dead flock);
  // the write lock is taken by the save below.
  const store = fileStore({ codexHome: home, refreshLockTimeoutMs: 5_000 });
  await store.withLock(async () => {});
  // Temp files a write killed mid-way left behind (random names, O_EXCL: they block nothing).
  const temps = (await readdir(home)).filter(
    (name) => name.startsWith('.auth-') && !lane.temps.has(name),
  );
  for (const name of temps) lane.temps.add(name);

  // 3. The next caller refreshes (A, or B: every token of this issuer is born due) and saves
  // past any leftover temp file; or, when the dead child rotated the token at the issuer without
  // saving it, it is refused as reuse - the inherent race, counted here, not hidden.
  const outcome = await getAccessToken(
    sessionOptions(fake, { codexHome: home, storage: 'file' }),
  ).catch((error: unknown) => error);
  let lost = false;
  if (!isA || !rotated) {
    expect((outcome as { accessToken?: string }).accessToken === grant.accessTokens.at(-1)).toBe(
      true,
    );
    expect(grant.revoked).toBeNull();
  } else {
    lost = true;
    expect((outcome as { code?: string }).code).toBe('CODEX_OAUTH_REFRESH_REJECTED');
    expect((outcome as { error?: string }).error).toBe('refresh_token_reused');
    expect(grant.revoked).toBe('reuse');
    expect((await readFile(authPath)).equals(recordA)).toBe(true); // still untouched
    lane.signedIn = false; // the grant is gone: the next round signs in again
  }

  const entry = tally.get(phase) ?? {
    rounds: 0,
    fileA: 0,
    fileB: 0,
    lostRotation: 0,
    leftoverTemps: 0,
  };
  entry.rounds += 1;
  entry.fileA += isA ? 1 : 0;
  entry.fileB += isA ? 0 : 1;
  entry.lostRotation += lost ? 1 : 0;
  entry.leftoverTemps += temps.length;
  tally.set(phase, entry);
}

it(`kill -9 of a refreshing process (up to ${ROUNDS} rounds): auth.json is always A or B, never torn; the lock never sticks`, async () => {
  const started = Date.now();
  let begun = 0;
  const lane = async () => {
    // The issuer's clock runs an hour behind ours, so every token it mints (at sign-in and by
    // each refresh) is already due here: the lane reuses one sign-in until a lost rotation.
    const fake = await startFakeIssuer({
      registeredPorts: 'any',
      accessTokenTtlSeconds: 60,
      now: () => Date.now() - 3_600_000,
    });
    issuers.push(fake);
    const home = await tempHome('codex-oauth-kill-');
    homes.push(home);
    const lane: Lane = { fake, home: home.dir, signedIn: false, temps: new Set() };
    try {
      while (begun < ROUNDS && Date.now() - started < BUDGET_MS) {
        begun += 1;
        await round(lane);
      }
    } finally {
      lane.spare?.child.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));

  const rows = [...tally.entries()].map(([phase, t]) => ({ phase, ...t }));
  const total = rows.reduce((sum, row) => sum + row.rounds, 0);
  const lost = rows.reduce((sum, row) => sum + row.lostRotation, 0);
  console.log(
    `kill -9 rounds: ${total} in ${Date.now() - started} ms; lost rotations (next caller refused as reuse): ${lost}`,
  );
  console.table(rows);
  expect(total).toBe(begun);
  expect(total).toBeGreaterThan(0);
}, 240_000);
