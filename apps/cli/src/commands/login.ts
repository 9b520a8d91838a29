import {
  type LoginResult,
  type OAuthEvent,
  status as readStatus,
  login as signIn,
} from '@codex-oauth/core';
import { openBrowser } from '@codex-oauth/env-detect';
import type { CommandRun, Context } from '../context.js';
import { Exit } from '../error-table.js';
import { sessionOptions } from '../session.js';
import { showDeviceCode } from '../ui/device-code.js';
import { describeAccount, when } from '../ui/format.js';
import type { Spinner } from '../ui/spinner.js';

/** `codex-oauth login`: reuse a working session, or sign in with the browser or a device code. */
export const login: CommandRun = async (ctx) => {
  const { out, flags } = ctx;
  const options = await sessionOptions(ctx);
  // Read what is stored first: a damaged auth.json stops here (exit 2, file untouched) unless
  // --force, and a forced sign-in says whose session it replaces before it starts.
  const before = await readStatus(options).catch((error: unknown) => {
    if (flags.force) return null;
    throw error;
  });
  if (flags.force && before?.authenticated) {
    out.warn(`Signed in as ${describeAccount(before)}; this sign-in replaces that session.`);
  }
  const ui = createLoginUi(ctx);
  let result: LoginResult;
  try {
    result = await signIn({
      ...options,
      ...(flags.flow !== undefined && { flow: flags.flow }),
      ...(flags.port !== undefined && { port: flags.port }),
      ...(flags.timeoutSec !== undefined && { timeoutMs: flags.timeoutSec * 1000 }),
      forceNew: flags.force,
      onEvent: ui.onEvent,
      openBrowser: ui.open,
    });
  } finally {
    await ui.done();
  }
  if (flags.json) {
    out.document({
      flowUsed: result.flowUsed,
      authMode: result.authMode,
      accountId: result.accountId,
      email: result.email,
      planType: result.planType,
      expiresAt: result.expiresAt?.toISOString() ?? null,
      storage: result.storageUsed,
      persisted: result.persisted,
      warnings: result.warnings,
    });
  }
  const who = out.c.bold(describeAccount(result));
  if (result.flowUsed === 'stored') {
    out.success(`Already signed in as ${who}`);
    out.line(out.c.dim('  Run "codex-oauth login --force" to sign in again.'));
  } else {
    const previous = before?.authenticated ? before : null;
    if (previous && previous.accountId !== result.accountId) {
      out.warn(`Replaced the session of ${describeAccount(previous)}.`);
    }
    out.success(`Signed in as ${who}`);
  }
  if (result.expiresAt) out.line(out.c.dim(`  Access token expires ${when(result.expiresAt)}.`));
  const location = options.store.describe?.().location;
  if (result.storageUsed === 'keyring' && location) {
    out.line(out.c.dim(`  Kept in the OS keyring (${location}), the entry Codex reads.`));
  }
  if (!result.persisted) {
    out.warn('Memory storage: the session ends with this process; the Codex CLI will not see it.');
  }
  for (const warning of result.warnings) out.warn(warning);
  return Exit.OK;
};

/**
 * Progress of a sign-in on stderr. Events arrive synchronously; drawing the device code may wait
 * for the QR renderer, so every step runs through one queue and appears in order.
 */
function createLoginUi(ctx: Context) {
  const { out, flags } = ctx;
  let queue: Promise<void> = Promise.resolve();
  let spinner: Spinner | undefined;
  const later = (step: () => void | Promise<void>) => {
    queue = queue.then(step).catch(() => {});
  };
  const stopSpinner = () => {
    spinner?.stop();
    spinner = undefined;
  };
  const spin = (text: string) => {
    if (spinner) spinner.update(text);
    else spinner = out.spinner(text);
  };

  const onEvent = (event: OAuthEvent) => {
    switch (event.type) {
      case 'url_ready':
        later(() => {
          stopSpinner();
          out.line(`Open this link to sign in${flags.noOpen ? '' : ' (opening your browser)'}:`);
          out.line(`  ${out.c.cyan(event.url)}`);
        });
        break;
      case 'user_code_ready':
        later(async () => {
          stopSpinner();
          await showDeviceCode(out, event.userCode, event.verificationUrl, event.expiresAt);
        });
        break;
      case 'waiting':
        later(() =>
          spin(
            event.flow === 'browser_code'
              ? 'Waiting for the sign-in in your browser… (Ctrl-C to cancel)'
              : 'Waiting for the code to be entered… (Ctrl-C to cancel)',
          ),
        );
        break;
      case 'callback_received':
        later(() => spin('Signing in…'));
        break;
      case 'exchanging':
        later(() => spin('Getting your tokens…'));
        break;
      case 'fallback':
        later(() => {
          stopSpinner();
          out.warn(`${event.reason} Starting a device-code sign-in as well.`);
        });
        break;
      case 'persisted':
      case 'failed':
        later(stopSpinner);
        break;
      default:
        break;
    }
  };

  // The sign-in link is always printed (url_ready); opening is a convenience whose failure is
  // only a note. BROWSER, WSL and platform openers are env-detect's job.
  const open = async (url: string): Promise<void> => {
    if (flags.noOpen) return;
    const opened = await openBrowser(url, { env: ctx.env });
    if (!opened.launched) later(() => out.warn(`Could not open a browser: ${opened.detail}.`));
  };

  return {
    onEvent,
    open,
    /** Waits for the queued drawing and clears the spinner line. */
    async done() {
      await queue;
      stopSpinner();
    },
  };
}
