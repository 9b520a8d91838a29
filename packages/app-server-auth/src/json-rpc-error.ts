/** JSON-RPC 2.0 error codes this package sends or meets. */
export const JsonRpcErrorCodes = {
  /** A line that is not JSON. */
  PARSE_ERROR: -32700,
  /** The peer sent a request for a method no handler is registered for. */
  METHOD_NOT_FOUND: -32601,
  /** A handler failed for a reason that is not its own protocol error. */
  INTERNAL_ERROR: -32603,
  /**
   * Implementation-defined server error: what a host answers to `account/chatgptAuthTokens/refresh`
   * when it cannot give new tokens (Codex then reports `auth refresh request failed: code=-32000 …`).
   */
  SERVER_ERROR: -32000,
} as const;

/** The `error` member of a JSON-RPC response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * A JSON-RPC error: thrown by {@link JsonRpcConnection.request} when the peer answers with an
 * error, and thrown by a request handler to answer with one. The message is the peer's (or the
 * handler's) and must never carry a secret; this package only ever puts fixed texts in it.
 *
 * @example
 * ```ts
 * connection.onRequest('x/y', () => {
 *   throw new JsonRpcError(JsonRpcErrorCodes.SERVER_ERROR, 'not now');
 * });
 * ```
 */
export class JsonRpcError extends Error {
  /** The JSON-RPC error code (`-32000`, `-32601`, …). */
  readonly code: number;
  /** Optional structured detail, sent as the error's `data`. */
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'JsonRpcError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  /** The wire form, `{ code, message, data? }`. */
  toJSON(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** Rebuilds an error from a response's `error` member (tolerating a malformed one). */
  static from(value: unknown): JsonRpcError {
    const object = (typeof value === 'object' && value !== null ? value : {}) as Record<
      string,
      unknown
    >;
    const code = typeof object.code === 'number' ? object.code : JsonRpcErrorCodes.INTERNAL_ERROR;
    const message = typeof object.message === 'string' ? object.message : 'unknown error';
    return new JsonRpcError(code, message, object.data);
  }
}
