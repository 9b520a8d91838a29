#!/usr/bin/env node
import { configFromEnv } from './config.js';
import { startExampleHost } from './server.js';

// Serves against ISSUER / CODEX_OAUTH_ISSUER, else the real https://auth.openai.com.
const config = configFromEnv(process.env);
const host = await startExampleHost(config);
console.log(`example-host: open ${host.url} (issuer ${config.issuer})`);
const stop = () => void host.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
