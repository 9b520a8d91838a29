import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountNamespaceArgs, runOnSmallDisk } from '@codex-oauth/test-support/small-disk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../src/index.js';
import { bundleForChildren } from './bundle-for-children.js';
// @ts-expect-error: plain .mjs shared with the child process, no types.
import { sizedRecord } from './fixtures/sized-records.mjs';

// A refresh's save comes after the issuer retired the stored refresh token: if it fails, the
// sign-in is lost. On a full disk the atomic write cannot work (its temp file needs blocks), so
// store-file rewrites auth.json in the blocks it already has. Tested on a real, really full file
// system: a 64 KiB tmpfs in a private mount namespace.
const SAVER = fileURLToPath(new URL('./fixtures/full-disk-saver.mjs', import.meta.url));
const LOCKFILE_SAVER = fileURLToPath(new URL('./fixtures/full-disk-lockfile.mjs', import.meta.url));
const STORE_BUNDLE = fileURLToPath(new URL('../test-output/store.js', import.meta.url));
const canMount = mountNamespaceArgs() !== null;
// Where no mount namespace can be made, every test here is skipped and its name says why.
const needs = canMount ? '' : ' (skipped: needs a private mount namespace, unshare -m or -rm)';

interface SaverReport {
  atomic: string;
  saved: string;
  loadedAccount: string | null;
  unchanged: boolean;
  sha256: string;
  mode: string;
  files: string[];
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'codex-oauth-full-disk-'));
  await bundleForChildren('store', 'src/index.ts');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function saveOnFullDisk(grow: number): Promise<SaverReport> {
  const home = await mkdtemp(join(scratch, 'home-'));
  const run = await runOnSmallDisk(home, 64, process.execPath, [
    SAVER,
    STORE_BUNDLE,
    home,
    String(grow),
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout.trim()) as SaverReport;
}

/** The bytes a refresh's save writes on a disk with room: sign in with 1, rotate to `next`. */
async function savedWithRoom(next: unknown): Promise<string> {
  const home = await mkdtemp(join(scratch, 'room-'));
  const store = fileStore({ codexHome: home });
  const first = sizedRecord(1, 0);
  await store.save(first);
  await store.save(next as never, { previousRefreshToken: first.tokens.refreshToken });
  return createHash('sha256')
    .update(await readFile(join(home, 'auth.json')))
    .digest('hex');
}

describe.skipIf(!canMount)(`a refresh saved on a full disk${needs}`, () => {
  it('rewrites auth.json in place: the same bytes as with room, 0600, no temp file left', async () => {
    const report = await saveOnFullDisk(0);
    // The disk really is full: an atomic write fails there.
    expect(report.atomic).toBe('CODEX_OAUTH_STORE_WRITE_FAILED ENOSPC');
    expect(report.saved).toBe('saved');
    expect(report.loadedAccount).toBe('acct-2');
    expect(report.sha256).toBe(await savedWithRoom(sizedRecord(2, 0)));
    expect(report.mode).toBe('600');
    expect(report.files).toEqual(['auth.json', 'auth.json.lock', 'ballast']);
  });

  it('a shorter successor is padded, then truncated to its exact bytes', async () => {
    const report = await saveOnFullDisk(-300);
    expect(report.saved).toBe('saved');
    expect(report.sha256).toBe(await savedWithRoom(sizedRecord(2, -300)));
  });

  it('leaves auth.json untouched when the new text needs blocks the file does not have', async () => {
    const report = await saveOnFullDisk(8192);
    expect(report.saved).toBe('CODEX_OAUTH_STORE_WRITE_FAILED ENOSPC');
    expect(report.unchanged).toBe(true);
    expect(report.loadedAccount).toBe('acct-1');
    expect(report.files).toEqual(['auth.json', 'auth.json.lock', 'ballast']);
  });
});

describe.skipIf(!canMount)(`the lock-file fallback on a full disk${needs}`, () => {
  it('a lock whose owner file could not be written leaves none behind to jam the next save', async () => {
    const home = await mkdtemp(join(scratch, 'lockfile-'));
    const env = { ...process.env, CODEX_OAUTH_LOCK_BACKEND: 'lockfile' };
    const run = await runOnSmallDisk(
      home,
      64,
      process.execPath,
      [LOCKFILE_SAVER, STORE_BUNDLE, home],
      env,
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout.trim());
    expect(report.backend).toBe('lockfile');
    // The owner file of auth.json.lock was created, then refused its bytes: a typed failure...
    expect(report.onFullDisk).toBe('CODEX_OAUTH_STORE_WRITE_FAILED ENOSPC');
    // ...that removed it again, so the save after the disk is freed is not left waiting.
    expect(report.leftOnFullDisk).toEqual(['auth.json', 'ballast']);
    expect(report.afterFreeing).toBe('saved');
    expect(report.loadedAccount).toBe('acct-3');
  });
});
