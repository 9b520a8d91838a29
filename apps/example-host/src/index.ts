export { type CodexConnection, connectCodex, disconnectCodex } from './codex-panel.js';
export { configFromEnv, type HostConfig, type HostStorage, REAL_ISSUER } from './config.js';
export { type ExampleHost, startExampleHost } from './server.js';
export type { AccountView, PageView, PendingView } from './view.js';
