export { browserOpener, type OpenerCommand, parseWebUrl, type Which } from './browser-opener.js';
export { type CiVerdict, detectCi } from './ci.js';
export { escapeForCmd, quoteForPowerShell, splitCommandLine } from './command-line.js';
export { detectEnvironment } from './detect-environment.js';
export {
  type OpenBrowserOptions,
  type OpenFailureReason,
  type OpenResult,
  openBrowser,
} from './open-browser.js';
export { systemProbes, whichOnPath } from './system-probes.js';
export type { Env, EnvironmentInfo, Flow, Os, Probes } from './types.js';
