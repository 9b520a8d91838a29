import type { TokenSet } from '../model/auth-record.js';
import { ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { emit } from '../model/events.js';
import { type BrowserLogin, startBrowserLogin } from '../protocol/browser-flow.js';
import { type DeviceLogin, startDeviceLogin } from '../protocol/device-login.js';
import type { SessionContext } from './context.js';
import { checkWorkspace } from './finish-login.js';
import type { FlowChoice } from './flow-choice.js';
import { BROWSER_TIMEOUT_MS, DEVICE_TIMEOUT_MS, type LoginOptions } from './options.js';

// How a pending login starts its channels: the browser login (loopback + paste), the device code,
// and the fallbacks between them. `beginLogin` decides which; these only start them.

/** Starts the browser login (the loopback binds now); `paste` lengthens its default wait. */
export function startBrowser(
  ctx: SessionContext,
  options: LoginOptions,
  allowed: string[] | null,
  paste: boolean,
): Promise<BrowserLogin> {
  return startBrowserLogin({
    provider: ctx.provider,
    fetch: ctx.fetch,
    port: options.port ?? 1455,
    // A paste needs no listener: with both ports busy it still works (a warning says so).
    loopbackOptional: paste,
    // Copying an address from another machine takes longer than a local redirect.
    timeoutMs: options.timeoutMs ?? (paste ? DEVICE_TIMEOUT_MS : BROWSER_TIMEOUT_MS),
    ...(allowed !== null && {
      allowedWorkspaceId: allowed.length === 1 ? (allowed[0] as string) : allowed,
      // Refuse inside the callback, so the browser tab shows the mismatch, not "signed in".
      checkTokens: (tokens: TokenSet, { signal }: { signal: AbortSignal }) =>
        checkWorkspace(ctx, tokens, allowed, options.onEvent, signal),
    }),
    ...(options.signal && { signal: options.signal }),
    ...(options.onEvent && { onEvent: options.onEvent }),
    ...(options.takeOverPort !== undefined && { takeOverPort: options.takeOverPort }),
    ...(options.successPage !== undefined && { successPage: options.successPage }),
  });
}

/**
 * The device code where it was preferred; `null` when device login is disabled and the paste
 * fallback applies (a `fallback` event and a warning say so).
 */
export async function startDeviceOrFallBack(
  ctx: SessionContext,
  options: LoginOptions,
  choice: FlowChoice,
  warnings: string[],
): Promise<DeviceLogin | null> {
  try {
    return await startDevice(ctx, options);
  } catch (error) {
    if (choice.fallback !== 'paste' || !isCodexOAuthError(error, ErrorCodes.DEVICE_LOGIN_DISABLED))
      throw error;
    const reason = 'device-code sign-in is disabled for this account or workspace';
    emit(options.onEvent, { type: 'fallback', from: 'device_code', to: 'paste', reason });
    warnings.push(
      `The ${reason}, so the browser link is offered instead: open it on any machine, sign in, ` +
        'and paste the address the browser lands on.',
    );
    return null;
  }
}

/**
 * The browser login racing a device code. It cannot fail for busy ports (the paste needs no
 * listener); anything else that stops it ends the sign-in, the device code included.
 */
export async function companionBrowser(
  ctx: SessionContext,
  options: LoginOptions,
  allowed: string[] | null,
  device: DeviceLogin,
): Promise<BrowserLogin> {
  try {
    return await startBrowser(ctx, options, allowed, true);
  } catch (error) {
    await device.cancel();
    throw error;
  }
}

/** The warning of a browser login that could bind no port: only a paste can finish it. */
export function unboundWarning(browser: BrowserLogin): string | null {
  return browser.listening
    ? null
    : 'Ports 1455 and 1457 are busy, so nothing listens for the browser here: only pasting the ' +
        'address the browser lands on finishes this sign-in (ssh -L will not).';
}

/** Starts the device login (the user code is requested now). */
export function startDevice(ctx: SessionContext, options: LoginOptions): Promise<DeviceLogin> {
  return startDeviceLogin({
    provider: ctx.provider,
    fetch: ctx.fetch,
    timeoutMs: options.timeoutMs ?? DEVICE_TIMEOUT_MS,
    ...(options.signal && { signal: options.signal }),
    ...(options.onEvent && { onEvent: options.onEvent }),
  });
}
