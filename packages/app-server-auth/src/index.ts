export * from './bridge.js';
export type { AppServerAuthEvents, AppServerAuthListener } from './bridge-events.js';
export * from './external-tokens.js';
export * from './json-rpc.js';
export * from './json-rpc-error.js';
export * from './protocol.js';
export * from './ready-signal.js';
export * from './refresh-responder.js';
