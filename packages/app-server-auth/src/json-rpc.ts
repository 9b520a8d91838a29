import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core';
import { JsonRpcError, JsonRpcErrorCodes } from './json-rpc-error.js';

/** A JSON-RPC request id. Codex numbers its own requests from 0. */
export type JsonRpcId = string | number;

/** Answers one server→client request; its return value is the result, a throw the error. */
export type JsonRpcRequestHandler = (params: unknown, id: JsonRpcId) => unknown;

/** Receives the params of a notification (and its method, for `'*'` listeners). */
export type JsonRpcNotificationListener = (params: unknown, method: string) => void;

/** Options of {@link JsonRpcConnection}. */
export interface JsonRpcConnectionOptions {
  /** How long {@link JsonRpcConnection.request} waits by default. Default 30 000 ms. */
  requestTimeoutMs?: number;
}

/** Options of one {@link JsonRpcConnection.request}. */
export interface JsonRpcRequestOptions {
  /** Overrides the connection's default timeout for this request. */
  timeoutMs?: number;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * JSON-RPC 2.0 over newline-delimited JSON, the framing `codex app-server` uses on stdio (one
 * message per line, no `Content-Length` headers). Both directions can send requests: Codex asks
 * the client things too (`account/chatgptAuthTokens/refresh`). Codex 0.169 leaves `"jsonrpc"`
 * out of what it sends, so incoming messages are not required to carry it; outgoing ones do.
 *
 * It never logs and never puts params into an error, because params carry tokens.
 *
 * @example
 * ```ts
 * const rpc = new JsonRpcConnection(child.stdout, child.stdin);
 * const info = await rpc.request('initialize', { clientInfo, capabilities });
 * rpc.notify('initialized');
 * ```
 */
export class JsonRpcConnection {
  readonly #output: Writable;
  readonly #timeoutMs: number;
  readonly #pending = new Map<JsonRpcId, Pending>();
  readonly #handlers = new Map<string, JsonRpcRequestHandler>();
  readonly #listeners = new Map<string, Set<JsonRpcNotificationListener>>();
  readonly #detach: () => void;
  #nextId = 1;
  #closed = false;

  /** `input` is what the peer writes (its stdout); `output` is what it reads (its stdin). */
  constructor(input: Readable, output: Writable, options: JsonRpcConnectionOptions = {}) {
    this.#output = output;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const onLine = (line: string) => this.#receive(line);
    const onEnd = () => this.close();
    const onWriteError = () => this.close();
    lines.on('line', onLine);
    lines.on('close', onEnd);
    output.on('error', onWriteError);
    this.#detach = () => {
      lines.off('line', onLine);
      lines.off('close', onEnd);
      lines.close();
      output.off('error', onWriteError);
    };
  }

  /** True once the input ended or {@link JsonRpcConnection.close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a request and resolves with its result. Rejects with {@link JsonRpcError} when the peer
   * answers with an error, `CODEX_OAUTH_REQUEST_TIMEOUT` when it does not answer in time, and
   * `CODEX_OAUTH_NETWORK_ERROR` when the connection closes first.
   */
  request<T = unknown>(
    method: string,
    params?: unknown,
    options: JsonRpcRequestOptions = {},
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(method));
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new CodexOAuthError(
            ErrorCodes.REQUEST_TIMEOUT,
            `codex app-server did not answer ${method} within ${timeoutMs} ms. Check that it is running and not stuck.`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.#send(params === undefined ? { id, method } : { id, method, params });
    });
  }

  /** Sends a notification (no answer expected). */
  notify(method: string, params?: unknown): void {
    if (this.#closed) return;
    this.#send(params === undefined ? { method } : { method, params });
  }

  /** Registers the one handler of server→client requests named `method`; returns the remover. */
  onRequest(method: string, handler: JsonRpcRequestHandler): () => void {
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /** Listens to notifications named `method` (`'*'` for all); returns the remover. */
  onNotification(method: string, listener: JsonRpcNotificationListener): () => void {
    const set = this.#listeners.get(method) ?? new Set<JsonRpcNotificationListener>();
    this.#listeners.set(method, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Stops reading, and rejects every pending request with `CODEX_OAUTH_NETWORK_ERROR`. The streams
   * are left open: they belong to whoever started the app-server.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach();
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(closedError(pending.method));
    }
  }

  #send(message: Record<string, unknown>): void {
    this.#output.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  #receive(line: string): void {
    if (line.trim() === '') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      message = parsed as Record<string, unknown>;
    } catch {
      return; // Not ours to answer: a stray log line on stdout must not kill the connection.
    }
    const { id, method } = message;
    const hasId = typeof id === 'string' || typeof id === 'number';
    if (typeof method === 'string') {
      if (hasId) void this.#answer(id, method, message.params);
      else this.#dispatch(method, message.params);
    } else if (hasId) {
      this.#settle(id, message);
    }
  }

  #settle(id: JsonRpcId, message: Record<string, unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if ('error' in message && message.error !== undefined)
      pending.reject(JsonRpcError.from(message.error));
    else pending.resolve(message.result);
  }

  async #answer(id: JsonRpcId, method: string, params: unknown): Promise<void> {
    const handler = this.#handlers.get(method);
    let reply: Record<string, unknown>;
    if (!handler) {
      reply = {
        id,
        error: {
          code: JsonRpcErrorCodes.METHOD_NOT_FOUND,
          message: `${method} is not handled by this client`,
        },
      };
    } else {
      try {
        reply = { id, result: (await handler(params, id)) ?? null };
      } catch (error) {
        const rpc =
          error instanceof JsonRpcError
            ? error
            : new JsonRpcError(JsonRpcErrorCodes.INTERNAL_ERROR, `${method} failed`);
        reply = { id, error: rpc.toJSON() };
      }
    }
    if (!this.#closed) this.#send(reply);
  }

  #dispatch(method: string, params: unknown): void {
    for (const key of [method, '*']) {
      for (const listener of this.#listeners.get(key) ?? []) {
        try {
          listener(params, method);
        } catch {
          // A listener's failure is its own; the connection keeps reading.
        }
      }
    }
  }
}

function closedError(method: string): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.NETWORK_ERROR,
    `The codex app-server connection closed before ${method} was answered. Check that the app-server process is still running.`,
  );
}
