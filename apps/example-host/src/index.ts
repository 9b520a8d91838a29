export { configFromEnv, type HostConfig, REAL_ISSUER } from './config.js';
export { type ExampleHost, startExampleHost } from './server.js';
