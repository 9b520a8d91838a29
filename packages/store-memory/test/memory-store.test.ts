import { inspect } from 'node:util';
import { ErrorCodes } from '@codex-oauth/core';
import { makeTestRecord } from '@codex-oauth/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../src/index.js';

describe('memoryStore', () => {
  it('starts from an initial record given by the host, as a copy', async () => {
    const initial = makeTestRecord();
    const store = memoryStore({ initial });
    initial.tokens!.accessToken = 'changed-by-host-afterwards';
    expect((await store.load())?.tokens?.accessToken).not.toBe('changed-by-host-afterwards');
  });

  it('never shows a token when inspected or serialised', async () => {
    const record = makeTestRecord();
    const store = memoryStore({ initial: record });
    await store.save(makeTestRecord());
    const shown = `${inspect(store, { depth: 10, showHidden: true })}${JSON.stringify(store)}`;
    expect(shown).not.toContain(record.tokens!.refreshToken);
    expect(shown).not.toContain(record.tokens!.accessToken);
  });

  it('keeps saving when a listener throws', async () => {
    const store = memoryStore();
    const seen: unknown[] = [];
    store.watch(() => {
      throw new Error('listener bug');
    });
    store.watch((record) => seen.push(record?.tokens?.accountId));
    const record = makeTestRecord({ accountId: 'acct-listener' });
    await store.save(record);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['acct-listener']);
    expect(await store.load()).toEqual(record);
  });

  it('stop drops the record and listeners, and refuses later saves with a typed error', async () => {
    const store = memoryStore({ initial: makeTestRecord() });
    const seen: unknown[] = [];
    store.watch((record) => seen.push(record));
    store.stop();
    expect(store.stopped).toBe(true);
    expect(await store.load()).toBeNull();
    await expect(store.save(makeTestRecord())).rejects.toMatchObject({
      code: ErrorCodes.INVALID_OPTION,
    });
    expect(seen).toEqual([]);
  });

  it('keeps two instances apart: one per host session', async () => {
    const a = memoryStore();
    const b = memoryStore();
    await a.save(makeTestRecord());
    expect(await b.load()).toBeNull();
  });
});
