import type { AuthRecord } from '../model/auth-record.js';
import type { TokenStoreListener } from './token-store.js';

/** What a {@link watchFanOut} needs from its store. */
export interface FanOutSource {
  /** The stored string now (the driver's read). */
  read(): Promise<string | null>;
  /** A fresh record for one listener; throws on unreadable data. */
  decode(text: string): AuthRecord;
  /** The driver's own change notification, when it has one. */
  watch?: ((onChange: () => void) => () => void) | undefined;
}

/** The listeners of one store, told about its own changes and the driver's. */
export interface FanOut {
  /** Adds a listener; returns its unsubscribe function. */
  add(listener: TokenStoreListener): () => void;
  /** This store just wrote `text` (`null`: cleared). */
  changed(text: string | null): void;
}

/**
 * Fans changes out to listeners. A change made through this store is delivered with the string it
 * wrote, so listeners see every save and clear in order. A driver notification makes core re-read
 * and deliver only a string it has not delivered yet (so its echo of our own write is dropped),
 * and only if no newer local change happened during the read. The driver is subscribed while
 * there is at least one listener. Each listener gets its own copy; one that throws does not fail
 * the save that triggered it, nor the other listeners.
 */
export function watchFanOut(source: FanOutSource): FanOut {
  const listeners = new Set<TokenStoreListener>();
  let delivered: string | null | undefined;
  let generation = 0;
  let unsubscribe: (() => void) | undefined;

  const deliver = (text: string | null) => {
    delivered = text;
    for (const listener of listeners) {
      let record: AuthRecord | null;
      try {
        record = text === null ? null : source.decode(text);
      } catch {
        return; // unreadable data: nothing a listener could use; load() reports it
      }
      queueMicrotask(() => {
        try {
          listener(record);
        } catch {}
      });
    }
  };

  const onDriverChange = () => {
    const seen = generation;
    source.read().then(
      (text) => {
        if (seen === generation && text !== delivered) deliver(text);
      },
      () => {},
    );
  };

  return {
    add(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && source.watch) unsubscribe = source.watch(onDriverChange);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        unsubscribe?.();
        unsubscribe = undefined;
      };
    },
    changed(text) {
      generation++;
      deliver(text);
    },
  };
}
