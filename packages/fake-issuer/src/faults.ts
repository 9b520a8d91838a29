import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { oauthError, sendJson } from './http-util.js';
import type { FakeRequest, Fault } from './types.js';

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
 * Answer a request with a terminal fault. Returns false for `delay` and `gzip`, which only change
 * the normal answer (the caller waits, or answers through the compressing response, then handles
 * the request).
 */
export function applyFault(fault: Fault, res: ServerResponse, request: FakeRequest): boolean {
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
    case 'drip':
      drip(res, fault.status ?? 200, fault.intervalMs ?? 1000, fault.body);
      return true;
    case 'huge':
      huge(res, fault.status ?? 200, fault.bytes, fault.declareLength === true);
      return true;
    case 'echo':
      sendJson(
        res,
        fault.status ?? 400,
        oauthError(
          'invalid_request',
          `${request.body} (${request.method} ${request.path} ${JSON.stringify(request.headers)})`,
        ),
      );
      return true;
    case 'gzip':
      compressAnswer(res);
      return false;
    case 'delay':
      return false;
  }
}

/** Headers now, then one byte of `body` per tick, repeating it, until the client goes away. */
function drip(res: ServerResponse, status: number, intervalMs: number, body?: string): void {
  const text = Buffer.from(body ?? '{"access_token":"');
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || res.writableEnded) return clearInterval(timer);
    res.write(text.subarray(sent % text.length, (sent % text.length) + 1));
    sent += 1;
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

/** `bytes` bytes of JSON, written as fast as the client reads (backpressure keeps memory flat). */
function huge(res: ServerResponse, status: number, bytes: number, declareLength: boolean): void {
  const head = status < 300 ? '{"padding":"' : '{"error":"server_error","error_description":"';
  const tail = '"}';
  const fill = Math.max(0, bytes - head.length - tail.length);
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (declareLength) headers['content-length'] = head.length + fill + tail.length;
  res.writeHead(status, headers);
  res.write(head);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = fill;
  const pump = (): void => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  res.on('close', () => {
    left = 0;
  });
  pump();
}

/** Makes the route's answer go out gzip-compressed, whatever it is. */
function compressAnswer(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res);
  const end = res.end.bind(res);
  let head: [number, OutgoingHttpHeaders] = [200, {}];
  res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
    head = [status, headers ?? {}];
    return res;
  }) as typeof res.writeHead;
  res.end = ((chunk?: string | Buffer) => {
    const body = gzipSync(chunk ?? '');
    writeHead(head[0], { ...head[1], 'content-encoding': 'gzip', 'content-length': body.length });
    return end(body);
  }) as typeof res.end;
}
