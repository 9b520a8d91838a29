import {
  CodexOAuthError,
  cancelLogin,
  InteractiveLoginUnavailableError,
  type LoginResult,
  type OAuthEvent,
  type PendingLogin,
  status as readStatus,
  login as signIn,
} from '@codex-oauth/core';
import { openBrowser } from '@codex-oauth/env-detect';
import { accountOptions } from '../accounts-options.js';
import { loginWithApiKeyFromStdin } from '../api-key-login.js';
import type { CommandRun, Context } from '../context.js';
import { Exit } from '../error-table.js';
import { loginDocument } from '../login-document.js';
import { type PasteSession, startPasteSession } from '../paste-session.js';
import { sessionOptions } from '../session.js';
import { showDeviceCode } from '../ui/device-code.js';
import { describeAccount, when } from '../ui/format.js';
import type { Output } from '../ui/output.js';
import type { Spinner } from '../ui/spinner.js';
import { UsageError } from '../usage-error.js';

/**
 * `codex-oauth login`: reuse a working session, or sign in with the browser, a device code, or the
 * redirect address pasted from a browser on another machine (`--flow paste`, and beside the device
 * code over SSH or in a container).
 */
export const login: CommandRun = async (ctx) => {
  const { out, flags } = ctx;
  const options = await sessionOptions(ctx);
  if (flags.add && flags.force) {
    throw new UsageError(
      '--add keeps the current account and --force replaces it: choose one.',
      'login',
    );
  }
  // Read what is stored first: a damaged auth.json stops here (exit 2, file untouched) unless
  // --force, and a forced sign-in says whose session it replaces before it starts.
  if (flags.withApiKey) return loginWithApiKeyFromStdin(ctx, options);
  const before = await readStatus(options).catch((error: unknown) => {
    if (flags.force) return null;
    throw error;
  });
  if (flags.add && before?.authMode === 'apikey') {
    throw new UsageError(
      'auth.json holds an API key, which --add would overwrite: run codex-oauth logout first.',
      'login',
    );
  }
  if (flags.force && before?.authenticated) {
    out.warn(`Signed in as ${describeAccount(before)}; this sign-in replaces that session.`);
  }
  const ui = createLoginUi(ctx);
  let pending: PendingLogin | undefined;
  let paste: PasteSession | undefined;
  // The paste prompt can end the sign-in (a script piped a bad address and closed stdin).
  let giveUp!: (error: unknown) => void;
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  const signing = signIn({
    ...options,
    ...(flags.flow !== undefined && { flow: flags.flow }),
    ...(flags.port !== undefined && { port: flags.port }),
    ...(flags.timeoutSec !== undefined && { timeoutMs: flags.timeoutSec * 1000 }),
    forceNew: flags.force,
    // Always the accounts backend: --add needs it, and --force drops the replaced account.
    ...accountOptions(ctx),
    ...(flags.add && { addAccount: true }),
    onEvent: ui.onEvent,
    openBrowser: ui.open,
    onPending: (begun) => {
      pending = begun;
      paste = startPasteSession(ctx, begun, ui, giveUp);
      if (paste) ui.showPastePrompt(begun);
    },
  });
  let result: LoginResult;
  try {
    result = await Promise.race([signing, gaveUp]);
  } catch (error) {
    // Given up at the prompt: free the port and stop the other channels before reporting.
    if (pending !== undefined) await cancelLogin(pending).catch(() => undefined);
    await signing.catch(() => undefined);
    throw withCliAdvice(error);
  } finally {
    paste?.stop();
    await ui.done();
  }
  if (flags.json) out.document(loginDocument(result));
  const who = out.c.bold(describeAccount(result));
  if (result.flowUsed === 'stored') {
    out.success(`Already signed in as ${who}`);
    out.line(out.c.dim('  Run "codex-oauth login --force" to sign in again.'));
  } else {
    const previous = before?.authenticated ? before : null;
    if (flags.add) {
      out.success(`Signed in as ${who}; the Codex CLI now uses this account`);
      // Signing the active account in again only refreshes its entry: nothing else was kept.
      const same = previous?.email === result.email && previous?.accountId === result.accountId;
      if (previous && !same) {
        out.line(
          out.c.dim(`  Kept ${describeAccount(previous)}: codex-oauth accounts lists both.`),
        );
      }
    } else {
      if (previous && previous.accountId !== result.accountId) {
        out.warn(`Replaced the session of ${describeAccount(previous)}.`);
      }
      out.success(`Signed in as ${who}`);
    }
  }
  if (result.expiresAt) out.line(out.c.dim(`  Access token expires ${when(result.expiresAt)}.`));
  const location = options.store.describe?.().location;
  if (result.storageUsed === 'keyring' && location) {
    out.line(out.c.dim(`  Kept in the OS keyring (${location}), the entry Codex reads.`));
  }
  if (!result.persisted) {
    out.warn('Memory storage: the session ends with this process; the Codex CLI will not see it.');
  }
  for (const warning of result.warnings) if (!ui.warned.has(warning)) out.warn(warning);
  return Exit.OK;
};

/**
 * Core's advice for "nobody can answer a sign-in here" is for programs (`interactive: true`);
 * a person at this command line has flags instead. The detector's reason is said once.
 */
function withCliAdvice(error: unknown): unknown {
  if (!(error instanceof InteractiveLoginUnavailableError)) return error;
  return new CodexOAuthError(
    error.code,
    `${error.reason}. Sign in with a code instead: codex-oauth login --flow device (open its ` +
      'link on any machine); or sign in elsewhere and copy auth.json here; or store an API key: ' +
      'printenv OPENAI_API_KEY | codex-oauth login --with-api-key.',
  );
}

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
  // Set once it is clear a paste is expected: --flow paste, the paste fallback, or a browser
  // link beside a device code. A spinner would then redraw the line the person types on.
  let pasting = flags.flow === 'paste';
  const warned = new Set<string>();
  let sawCode = false;

  const onEvent = (event: OAuthEvent) => {
    switch (event.type) {
      case 'url_ready':
        pasting ||= sawCode;
        // With a paste expected, the link comes with its instructions once the login has begun.
        if (pasting) break;
        later(() => {
          stopSpinner();
          out.line(`Open this link to sign in${flags.noOpen ? '' : ' (opening your browser)'}:`);
          out.line(`  ${out.c.cyan(event.url)}`);
        });
        break;
      case 'user_code_ready':
        sawCode = true;
        later(async () => {
          stopSpinner();
          await showDeviceCode(out, event.userCode, event.verificationUrl, event.expiresAt);
        });
        break;
      case 'waiting':
        if (pasting) {
          later(stopSpinner);
          break;
        }
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
        // The pending login's warning says it, before the link (see showPastePrompt).
        if (event.to === 'paste') {
          pasting = true;
          break;
        }
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
    /** Warnings already shown while waiting, not repeated after the result. */
    warned,
    /**
     * The paste prompt: what is known so far (device login off, ports busy) first, since only
     * the paste may finish it, then the link and what to copy.
     */
    showPastePrompt(begun: PendingLogin) {
      const url = begun.flow === 'browser_code' ? begun.authorizeUrl : begun.browser?.authorizeUrl;
      if (url === undefined) return;
      for (const warning of begun.warnings) warned.add(warning);
      const warnings = [...begun.warnings];
      later(() => {
        stopSpinner();
        for (const warning of warnings) out.warn(warning);
        showPasteInstructions(out, url, begun.flow === 'device_code');
      });
    },
    rejected(message: string) {
      later(() => {
        stopSpinner();
        out.warn(message);
        out.line(PROMPT);
      });
    },
    incomplete() {
      later(() => {
        stopSpinner();
        out.line('That address looks cut off: paste the rest of it (or the whole address again).');
      });
    },
    inputClosed() {
      later(() => {
        stopSpinner();
        out.line(out.c.dim('Input closed: waiting for the browser callback (or the device code).'));
      });
    },
    /** Waits for the queued drawing and clears the spinner line. */
    async done() {
      await queue;
      stopSpinner();
    },
  };
}

const PROMPT = 'Paste the address here and press Enter:';

/**
 * What to copy, from where: the link to open on any machine, the address the browser then lands
 * on (and the error page it shows, which is expected), and the port forward that makes the paste
 * unnecessary. `second` when the device code above is the first way offered.
 */
function showPasteInstructions(out: Output, url: string, second: boolean): void {
  const { c } = out;
  const redirect =
    new URL(url).searchParams.get('redirect_uri') ?? 'http://127.0.0.1:1455/auth/callback';
  const port = new URL(redirect).port || '1455';
  out.line(
    second
      ? 'Or open this link in a browser on any machine and sign in:'
      : 'Open this link in a browser on any machine and sign in:',
  );
  out.line(`  ${c.cyan(url)}`);
  out.line(`The browser then goes to ${redirect}?code=… and may say "This site can't be reached".`);
  out.line('That is expected: copy the whole address from its address bar and paste it below.');
  out.line(
    c.dim(`(Forwarding the port first, ssh -L ${port}:127.0.0.1:${port}, finishes it by itself.)`),
  );
  out.line(PROMPT);
}
