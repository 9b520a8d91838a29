import type { ServerResponse } from 'node:http';
import { oauthError, sendJson } from './http-util.js';
import type { Fault } from './types.js';

/** Queued faults, matched by exact path, first queued first used. */
export class FaultQueue {
  private readonly queue: { fault: Fault; left: number }[] = [];

  /** Queue a fault; `times` defaults to 1. */
  add(fault: Fault): void {
    const left = fault.times ?? 1;
    if (!(left > 0)) throw new RangeError('fault.times must be greater than 0');
    this.queue.push({ fault, left });
  }

  /** Drop every queued fault. */
  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for a request on `path`, consuming one use of it. */
  take(path: string): Fault | undefined {
    const index = this.queue.findIndex((entry) => entry.fault.path === path);
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

/**
 * Answer a request with a terminal fault. Returns false for `delay`, which only postpones the
 * normal answer (the caller waits, then handles the request).
 */
export function applyFault(fault: Fault, res: ServerResponse): boolean {
  switch (fault.kind) {
    case 'status': {
      if (fault.body === undefined) {
        sendJson(res, fault.status, oauthError('server_error', 'Injected fault'));
        return true;
      }
      const looksJson = /^\s*[[{]/.test(fault.body);
      res.writeHead(fault.status, {
        'content-type': looksJson ? 'application/json' : 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(fault.body),
      });
      res.end(fault.body);
      return true;
    }
    case 'drop':
      // No status line at all: the client sees a reset connection, like a dying proxy.
      res.socket?.destroy();
      return true;
    case 'malformed': {
      const body = '{"access_token": "eyJ';
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return true;
    }
    case 'delay':
      return false;
  }
}
