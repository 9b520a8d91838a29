import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../src/index.js';
import { bundleForChildren } from './bundle-for-children.js';
// @ts-expect-error: plain .mjs shared with the child process, no types.
import { tornIndex, tornRecord } from './fixtures/torn-records.mjs';

const WRITER = fileURLToPath(new URL('./fixtures/torn-writer.mjs', import.meta.url));
// The whole package bundled for the child, beside the lock helper's bundle: one level below the
// package root, as dist/index.js is, so the flock addon resolves the same way.
const STORE_BUNDLE = fileURLToPath(new URL('../test-output/store.js', import.meta.url));
const ROUNDS = 150;
const BLOCK = 100_000; // record numbers of round r are r * BLOCK + k

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-oauth-torn-'));
  await bundleForChildren('store', 'src/index.ts');
});
afterAll(() => rm(home, { recursive: true, force: true }));

/** Starts a writer, lets it run for a random moment after it is ready, and SIGKILLs it. */
async function killWriterAtRandom(round: number, mode: 'save' | 'atomic'): Promise<void> {
  const child = spawn(process.execPath, [WRITER, STORE_BUNDLE, home, String(round * BLOCK), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const ready = once(createInterface({ input: child.stdout! }), 'line');
  // A writer that dies on its own (a bug) must fail the test, not hang it.
  const first = await Promise.race([ready, exited.then(([code]) => [`exited ${code}`])]);
  expect(first[0]).toBe('ready');
  // Anywhere from before the first write to a few records in (each is ~200 KB).
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
}

describe('kill -9 of a writer at random moments', () => {
  it(`never leaves a torn auth.json (${ROUNDS} rounds), and leftovers never block a save`, async () => {
    const store = fileStore({ codexHome: home });
    await store.save(tornRecord(0));
    let last = 0;
    let changed = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      await killWriterAtRandom(round, round % 2 === 0 ? 'save' : 'atomic');
      const record = await store.load();
      const n = tornIndex(record);
      // Whole, and one of the records that could be there: the previous one or this round's.
      expect(n === last || Math.floor(n / BLOCK) === round).toBe(true);
      expect(record).toEqual(tornRecord(n));
      if (n !== last) changed++;
      last = n;
    }
    // Some rounds must have been killed mid-write for the test to mean anything.
    const leftovers = (await readdir(home)).filter((name) => name.startsWith('.auth-'));
    console.log(
      `torn-write: ${ROUNDS} kills, ${changed} rounds changed auth.json, ${leftovers.length} temp files left by killed writers`,
    );
    expect(changed).toBeGreaterThan(0);
    // The leftovers hold live tokens: once a minute old, the next save removes them (case 9 of
    // issue 13). Age them instead of waiting.
    const old = new Date(Date.now() - 2 * 60_000);
    for (const name of leftovers) await utimes(join(home, name), old, old);
    await store.save(tornRecord(1), { previousRefreshToken: tornRecord(last).tokens.refreshToken });
    expect(await store.load()).toEqual(tornRecord(1));
    expect((await readdir(home)).filter((name) => name.startsWith('.auth-'))).toEqual([]);
  }, 120_000);
});
