import { CodexOAuthError, ErrorCodes } from '../model/errors.js';

/** The default cap on an answer's (decoded) body: far above any token answer, far below harm. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a response body into memory, refusing to hold more than `maxBytes` of it. The cap is on
 * the decoded bytes (undici decompresses gzip, deflate, br and zstd before we see them), so a
 * small compressed bomb is stopped as early as a large plain answer. A `content-length` above the
 * cap fails before a byte is read.
 *
 * @throws {CodexOAuthError} `CODEX_OAUTH_RESPONSE_TOO_LARGE`, naming `endpoint`.
 */
export async function readCappedBody(
  response: Response,
  maxBytes: number,
  endpoint: string,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(endpoint, maxBytes, response.status);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(endpoint, maxBytes, response.status);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(endpoint: string, maxBytes: number, status: number): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.RESPONSE_TOO_LARGE,
    `The answer of ${endpoint} (status ${status}) is larger than ${formatBytes(maxBytes)}, so it was not read. No sign-in server sends that much: check the issuer URL and any proxy in between.`,
    { status },
  );
}

// `1 MiB`, `64 KiB`, `512 bytes`.
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
