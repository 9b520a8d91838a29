import { spawn } from 'node:child_process';
import { connectAppServerAuth } from '@codex-oauth/app-server-auth';
import { login, refresh } from '@codex-oauth/core';
import { memoryStore } from '@codex-oauth/store-memory';

const store = memoryStore(); // the host's tokens; any TokenStore works
await login({ store }); // or save a record your host already holds

const child = spawn('codex', ['app-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
const bridge = await connectAppServerAuth({
  appServer: child, // or { stdin, stdout }, or a JsonRpcConnection you share
  store,
  // Codex got a 401 and asks for new tokens: refresh through core (single-flight, under the
  // store's lock, saved with compare-and-swap) and hand back the record it saved.
  refresh: async ({ signal }) => {
    await refresh({ store, force: true, signal });
    const record = await store.load();
    if (record === null) throw new Error('signed out while refreshing');
    return record;
  },
});
const { ready, via, error } = await bridge.ready; // 0.171: workspaceRoutingReady where sent
if (!ready) throw new Error(`Codex refused the tokens (${via}): ${error}`);
console.log((await bridge.accountRead()).account); // { type: 'chatgpt', email, planType, ... }
