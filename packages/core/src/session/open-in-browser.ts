import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type SessionOptions, throwIfAborted } from './options.js';
import { internalOf, type PendingLogin } from './pending-login.js';

/**
 * Opens the pending browser login's URL with `openBrowser` (this call's, else `beginLogin`'s,
 * else the OS opener). A failure to open is a warning on the pending login, never an error: the
 * URL is on the pending object and was sent as `url_ready`. A device login is
 * `CODEX_OAUTH_INVALID_OPTION` (there is nothing to open but a page the user types a code into).
 */
export async function openInBrowser(
  pending: PendingLogin,
  options: Pick<SessionOptions, 'openBrowser' | 'env' | 'signal'> = {},
): Promise<void> {
  const internal = internalOf(pending);
  if (pending.flow !== 'browser_code') {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'openInBrowser needs a browser login; show the device login’s verificationUrl and userCode instead.',
    );
  }
  throwIfAborted(options.signal);
  const opener = options.openBrowser ?? internal.options.openBrowser;
  try {
    if (opener) {
      await opener(pending.authorizeUrl);
      return;
    }
    // env-detect loads with the first sign-in that needs it (see `SessionContext.environment`).
    const { openBrowser: osOpenBrowser } = await import('@codex-oauth/env-detect');
    const opened = await osOpenBrowser(pending.authorizeUrl, {
      env: internal.ctx.env,
      envInfo: await internal.ctx.environment(),
    });
    if (!opened.launched) throw new Error(opened.detail);
  } catch (error) {
    pending.warnings.push(
      `The browser could not be opened (${(error as Error).message}); open the sign-in link yourself.`,
    );
  }
}
