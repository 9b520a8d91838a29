import { loginWithApiKey, status as readStatus, type SessionOptions } from '@codex-oauth/core';
import type { Context } from './context.js';
import { Exit, type ExitCode } from './error-table.js';
import { loginDocument } from './login-document.js';
import { describeAccount } from './ui/format.js';
import { isTerminal } from './ui/terminal.js';
import { UsageError } from './usage-error.js';

/** What to pipe, for every refusal (the same example as `codex login --with-api-key` gives). */
const PIPE_IT = 'printenv OPENAI_API_KEY | codex-oauth login --with-api-key';

/** More than any API key: a stdin this long is not one, and is not read further. */
const MAX_KEY_BYTES = 16 * 1024;

/**
 * `codex-oauth login --with-api-key`: reads an OpenAI API key from stdin and stores it as
 * `codex login --with-api-key` does (the same `auth.json` bytes), replacing what was stored.
 * As in Codex: stdin must not be a terminal (a key typed there would show on screen and could be
 * mistaken for a prompt that hides it), the key is trimmed at both ends, and empty input is
 * refused. The key is never printed, not even in part.
 */
export async function loginWithApiKeyFromStdin(
  ctx: Context,
  options: SessionOptions,
): Promise<ExitCode> {
  const { out, flags } = ctx;
  for (const [set, flag] of [
    [flags.add, '--add'],
    [flags.flow !== undefined, '--flow'],
    [flags.port !== undefined, '--port'],
    [flags.noOpen, '--no-open'],
    [flags.timeoutSec !== undefined, '--timeout'],
  ] as const) {
    if (set) throw new UsageError(`--with-api-key does not go with ${flag}.`, 'login');
  }
  if (isTerminal(0)) {
    throw new UsageError(
      `--with-api-key reads the key from stdin: pipe it in, e.g. ${PIPE_IT}.`,
      'login',
    );
  }
  const key = (await readStdin()).trim();
  if (key === '')
    throw new UsageError(`No API key on stdin: pipe one in, e.g. ${PIPE_IT}.`, 'login');
  const before = await readStatus(options).catch(() => null);
  const result = await loginWithApiKey({ ...options, apiKey: key });
  if (flags.json) {
    out.document(loginDocument(result));
    return Exit.OK;
  }
  if (before?.authenticated && before.authMode === 'chatgpt') {
    out.warn(
      `Replaced the session of ${describeAccount(before)} (not revoked: codex-oauth logout first revokes it).`,
    );
  }
  out.success('Saved the API key; the Codex CLI now uses it');
  out.line(out.c.dim('  It is checked when the first request is sent, as in Codex.'));
  const where = result.path ?? options.store?.describe?.().location;
  if (where) out.line(out.c.dim(`  Stored in ${where}.`));
  for (const warning of result.warnings) out.warn(warning);
  return Exit.OK;
}

/** All of stdin (a pipe or a file), up to {@link MAX_KEY_BYTES}. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size > MAX_KEY_BYTES) {
      process.stdin.destroy();
      throw new UsageError(
        `stdin holds more than ${MAX_KEY_BYTES} bytes, which is not an API key: pipe the key alone.`,
        'login',
      );
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
