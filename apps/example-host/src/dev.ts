import { startFakeIssuer } from '@codex-oauth/fake-issuer';
import { configFromEnv } from './config.js';
import { startExampleHost } from './server.js';

// `pnpm --filter example-host dev`: the fake issuer on a free port and the app beside it, all on
// 127.0.0.1. ISSUER / CODEX_OAUTH_ISSUER still win, for trying the real thing.
const issuer = await startFakeIssuer({ registeredPorts: 'any' });
const config = configFromEnv(process.env, issuer.url);
const host = await startExampleHost(config);
console.log(`example-host: open ${host.url}`);
console.log(
  `  issuer     ${config.issuer}${config.issuer === issuer.url ? ' (embedded fake)' : ''}`,
);
console.log(`  CODEX_HOME ${config.codexHome} (file storage)`);
const stop = () => void Promise.all([host.close(), issuer.stop()]).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
