import type { TokenSet } from '../model/auth-record.js';
import { emit, type OnEvent } from '../model/events.js';
import type { BrowserLogin } from '../protocol/browser-flow.js';
import type { DeviceLogin } from '../protocol/device-login.js';
import type { FlowUsed } from './options.js';

/** Options of {@link raceBrowserWithDevice}. */
export interface RaceOptions {
  /** The browser login, already listening (and usually already opened). */
  browser: BrowserLogin;
  /** Starts the device login (requests the user code); called once, after the grace period. */
  startDevice: () => Promise<DeviceLogin>;
  /** How long the browser runs alone. */
  graceMs: number;
  onEvent?: OnEvent | undefined;
  /** Receives the fallback warning (the pending login's list). */
  warnings: string[];
  /** Told about the device login once it runs, so `cancelLogin` can stop it too. */
  onDeviceStarted?: (device: DeviceLogin) => void;
}

/** The winning channel's tokens. */
export interface RaceResult {
  tokens: TokenSet;
  flowUsed: FlowUsed;
}

/**
 * The WSL fallback (SPEC §8), fixing the seed's 5-second cut-off: the browser flow runs alone for
 * `graceMs`; then the device flow starts **as well**, with the loopback still listening, and a
 * `fallback` event and a warning tell the user. The first channel to produce tokens wins and the
 * other is cancelled (its port freed, its polling stopped) before this resolves. A channel that
 * fails while the other still runs is ignored; when both have failed, the browser's error (the
 * one the user started with) is thrown, unless only the device one is meaningful.
 */
export function raceBrowserWithDevice(options: RaceOptions): Promise<RaceResult> {
  const { browser } = options;
  return new Promise<RaceResult>((resolve, reject) => {
    let finished = false;
    let device: DeviceLogin | undefined;
    let deviceComing = false;
    let browserError: unknown;
    let browserFailed = false;
    let deviceError: unknown;
    let deviceFailed = false;

    const win = async (
      tokens: TokenSet,
      flowUsed: FlowUsed,
      loser: { cancel(): Promise<void> } | undefined,
    ) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      await loser?.cancel().catch(() => undefined);
      resolve({ tokens, flowUsed });
    };
    const maybeFail = () => {
      if (finished || !browserFailed || deviceComing) return;
      if (device !== undefined && !deviceFailed) return;
      finished = true;
      clearTimeout(timer);
      reject(
        device !== undefined && !isCancel(deviceError) && isCancel(browserError)
          ? deviceError
          : browserError,
      );
    };

    browser.result.then(
      (tokens) => win(tokens, 'browser_code', device),
      (error: unknown) => {
        browserFailed = true;
        browserError = error;
        maybeFail();
      },
    );

    const timer = setTimeout(() => {
      if (finished || browserFailed) return;
      const seconds = Math.round(options.graceMs / 1000);
      const reason = `no browser callback within ${seconds} s`;
      emit(options.onEvent, { type: 'fallback', from: 'browser_code', to: 'device_code', reason });
      options.warnings.push(
        `The browser sign-in did not finish within ${seconds} s, so the device-code sign-in was ` +
          'started as well; finish either one (the browser link still works).',
      );
      deviceComing = true;
      options.startDevice().then(
        (started) => {
          deviceComing = false;
          device = started;
          if (finished) {
            void started.cancel();
            return;
          }
          options.onDeviceStarted?.(started);
          started.result.then(
            (tokens) => win(tokens, 'device_code', browser),
            (error: unknown) => {
              deviceFailed = true;
              deviceError = error;
              maybeFail();
            },
          );
        },
        (error: unknown) => {
          deviceComing = false;
          options.warnings.push(
            `The device-code fallback could not start (${(error as Error).message}); only the browser sign-in is waiting.`,
          );
          maybeFail();
        },
      );
    }, options.graceMs);
    timer.unref?.();
  });
}

function isCancel(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'CODEX_OAUTH_LOGIN_CANCELLED';
}
