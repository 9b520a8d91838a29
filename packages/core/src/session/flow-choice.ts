import type { EnvironmentInfo } from '@codex-oauth/env-detect';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type Flow, type FlowUsed, normalizeFlow } from './options.js';
import type { SignInConfig } from './store-context.js';

/** The flow a sign-in starts with, the one that may join or replace it, and the paste prompt. */
export interface FlowChoice {
  readonly flow: FlowUsed;
  /**
   * With `flow: 'auto'` only: `device_code` where the device flow joins a stalled browser (WSL);
   * `paste` where the device code runs first and a pasted redirect races it, and replaces it when
   * device login is disabled (SSH, containers, Linux without a display).
   */
  readonly fallback: 'device_code' | 'paste' | null;
  /** A person is expected to paste the redirect: `flow: 'paste'`, or the `paste` fallback. */
  readonly paste: boolean;
}

/**
 * `CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE`, with the detector's reason apart from the advice,
 * so that a caller with other means (the CLI's `--flow device`, `--with-api-key`) can give its own.
 */
export class InteractiveLoginUnavailableError extends CodexOAuthError {
  /** Why nobody can answer here (`CI is set: ...`, `No terminal is attached ...`), one sentence. */
  readonly reason: string;

  constructor(reason: string) {
    // The reason once, then what to do: it already says that nobody can answer.
    super(
      ErrorCodes.INTERACTIVE_LOGIN_UNAVAILABLE,
      `${reason}. Sign in elsewhere and copy auth.json, pass flow: 'device' explicitly, ` +
        'or pass interactive: true.',
    );
    this.reason = reason;
  }
}

/**
 * Picks the flow (SPEC §3, §8). `auto` follows the environment's `preferredFlow`; where that is
 * `none` (CI, no TTY, `TERM=dumb`, `interactive: false`) it throws
 * `CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE` with the detector's reason, before anything binds
 * or sends. An explicit flow always proceeds (the caller vouches for a person being there), and
 * `interactive: true` makes detection interactive. The WSL race only applies to `auto`: an
 * explicit `browser` means the caller wants that flow alone. `paste` is the browser flow with a
 * paste prompt beside the loopback.
 *
 * @example
 * ```ts
 * await chooseFlow('auto', async () => detectEnvironment()); // { flow: 'browser_code', … } on a desktop
 * ```
 */
export async function chooseFlow(
  requested: Flow | undefined,
  environment: () => Promise<EnvironmentInfo>,
): Promise<FlowChoice> {
  const flow = normalizeFlow(requested);
  if (flow === 'paste') return { flow: 'browser_code', fallback: null, paste: true };
  if (flow !== 'auto') return { flow, fallback: null, paste: false };
  const info = await environment();
  if (info.preferredFlow === 'none') {
    throw new InteractiveLoginUnavailableError(info.reasons[0] ?? 'Not interactive');
  }
  const { preferredFlow: first, fallbackFlow: next } = info;
  if (first === 'paste') return { flow: 'browser_code', fallback: null, paste: true };
  // The only pairs the session knows how to run: browser then device (WSL), device then paste.
  const fallback =
    (first === 'browser_code' && next === 'device_code') ||
    (first === 'device_code' && next === 'paste')
      ? next
      : null;
  return { flow: first, fallback, paste: fallback === 'paste' };
}

/**
 * Applies Codex's `forced_login_method`: `"api"` forbids every ChatGPT sign-in, so it throws
 * `CODEX_OAUTH_LOGIN_METHOD_FORBIDDEN` before any network.
 */
export function assertChatgptLoginAllowed(config: SignInConfig): void {
  if (config.forcedLoginMethod === 'api') {
    throw new CodexOAuthError(
      ErrorCodes.LOGIN_METHOD_FORBIDDEN,
      'config.toml sets forced_login_method = "api": Codex only accepts an API key here, so a ' +
        'ChatGPT sign-in is refused. Remove that setting or sign in with an API key.',
    );
  }
}

/**
 * The workspaces a sign-in may end in: the `allowedWorkspaceId` option, else Codex's
 * `forced_chatgpt_workspace_id`; `null` when unrestricted. When both are set, the option must
 * lie inside the config's list (a caller cannot widen what the admin forced).
 */
export function allowedWorkspaces(
  option: string | string[] | undefined,
  config: SignInConfig,
): string[] | null {
  const fromOption = option === undefined ? null : ([] as string[]).concat(option).filter(Boolean);
  const forced = config.forcedWorkspaceIds;
  if (fromOption === null || fromOption.length === 0) return forced;
  if (forced === null) return fromOption;
  const both = fromOption.filter((id) => forced.includes(id));
  if (both.length === 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      'allowedWorkspaceId is outside the workspaces config.toml forces (forced_chatgpt_workspace_id). ' +
        'Use one of those workspaces or change the config.',
    );
  }
  return both;
}

/**
 * Throws `CODEX_OAUTH_WORKSPACE_MISMATCH` when `accountId` is not one of `allowed`.
 */
export function assertWorkspace(accountId: string | null, allowed: string[] | null): void {
  if (allowed === null || (accountId !== null && allowed.includes(accountId))) return;
  throw new CodexOAuthError(
    ErrorCodes.WORKSPACE_MISMATCH,
    `The account signed in to workspace ${accountId ?? '(none)'}, but only ${allowed.join(', ')} ` +
      'is allowed here. Sign in again and pick the allowed workspace.',
  );
}
