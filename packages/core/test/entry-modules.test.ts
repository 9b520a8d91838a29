import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { codexRecordCodec } from '../src/store/record-codec.js';
import { makeTestRecord } from '../src/testing/test-records.js';

// The built main entry, as a program imports it (`pnpm build` first, as for every package test
// that runs dist). Importing core must not load `node:http`: on Node 22+ the ES-module view of it
// reads every export, and its lazy WebSocket getters load Node's own bundled undici (~40 ms of
// CPU and ~13 MiB on Node 24) into every program, `getAccessToken` users included. The loopback
// server loads it on first use instead.
const here = fileURLToPath(new URL('..', import.meta.url));

/** Runs `script` (an ES module) in a fresh Node and returns the JSON list it printed last. */
async function listPrintedBy(script: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd: here, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } },
  );
  return JSON.parse(stdout.trim()) as string[];
}

/** Runs `code` (an ES module) in a fresh Node and returns the built-in modules it loaded. */
function builtinsLoadedBy(code: string): Promise<string[]> {
  return listPrintedBy(`${code}
    console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule '))));`);
}

/**
 * Runs `code` (an ES module) in a fresh Node and returns the package modules it loaded (their
 * path below node_modules/, or from packages/), seen by a module `load` hook.
 */
async function packagesLoadedBy(code: string): Promise<string[]> {
  const hooks = `let port; export function initialize(data) { port = data.port; }
    export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const urls = [];
    port1.on('message', (url) => urls.push(url));
    port1.unref();
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, {
      data: { port: port2 }, transferList: [port2],
    });
    ${code}
    await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(JSON.stringify(urls.filter((url) => url.startsWith('file:'))));`;
  return listPrintedBy(script);
}

describe("core's main entry", () => {
  it('loads neither oauth4webapi nor env-detect until a sign-in needs them', async () => {
    const imported = await packagesLoadedBy("await import('@codex-oauth/core');");
    expect(imported.some((url) => url.includes('/core/dist/index.js'))).toBe(true);
    expect(imported.filter((url) => /oauth4webapi|env-detect/.test(url))).toEqual([]);
    // So this test can tell: a PKCE pair loads oauth4webapi, detecting the environment env-detect.
    const signIn = await packagesLoadedBy(`
      const core = await import('@codex-oauth/core');
      await core.generatePkce();
      await core.beginLogin({ flow: 'auto', interactive: false, storage: 'memory' }).catch(() => {});`);
    expect(signIn.some((url) => url.includes('oauth4webapi'))).toBe(true);
    expect(signIn.some((url) => url.includes('env-detect'))).toBe(true);
  });

  it('a browser sign-in loads the transport while the person is in the browser', async () => {
    // undici (through net-ca) requires node:http2 at load: the marker. No request is made before
    // the callback, so the issuer is a closed port. The list is taken before the cancel.
    const loadedWhileWaiting = async (wait: string): Promise<string[]> => {
      const script = `
        const core = await import('@codex-oauth/core');
        const pending = await core.beginLogin({
          flow: 'browser', port: 0, storage: 'memory', issuer: 'http://127.0.0.1:9',
          env: { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined },
        });
        ${wait}
        await new Promise((resolve) => setTimeout(resolve, 300));
        const loaded = process.moduleLoadList.filter((m) => m.startsWith('NativeModule '));
        await core.cancelLogin(pending);
        console.log(JSON.stringify(loaded));`;
      return listPrintedBy(script);
    };
    // Until the host awaits the sign-in (it shows the URL first), nothing is loaded for it.
    expect(await loadedWhileWaiting('')).not.toContain('NativeModule http2');
    expect(await loadedWhileWaiting('core.awaitLogin(pending).catch(() => {});')).toContain(
      'NativeModule http2',
    );
  });

  it("loads neither node:http nor Node's bundled undici until a loopback server starts", async () => {
    const imported = await builtinsLoadedBy("await import('@codex-oauth/core');");
    expect(imported).not.toContain('NativeModule http');
    expect(imported).not.toContain('NativeModule internal/deps/undici/undici');
    // So this test can tell: a browser sign-in's loopback server does load it.
    const started = await builtinsLoadedBy(`
      const { startLoopbackServer } = await import('@codex-oauth/core');
      const server = await startLoopbackServer({
        port: 0, fallbackPort: null, expectedState: 'state', handleCode: async () => 1,
      });
      await server.close();`);
    expect(started).toContain('NativeModule http');
  });

  it('reads a fresh token without loading node:crypto, node:net or the streams', async () => {
    // A program that only reads its token (`codex-oauth token`, a host calling getAccessToken)
    // pays for neither: the loopback's state check, its page hash and its port cancel are a
    // sign-in's, and take them when they run (~8 ms of CPU on Node 24 for crypto alone).
    const home = await mkdtemp(join(tmpdir(), 'core-entry-'));
    try {
      const record = codexRecordCodec.serialize(makeTestRecord(), null, { swap: false });
      await writeFile(join(home, 'auth.json'), record, { mode: 0o600 });
      const read = await builtinsLoadedBy(`
        const core = await import('@codex-oauth/core');
        const { accessToken } = await core.getAccessToken({
          codexHome: ${JSON.stringify(home)}, storage: 'file',
        });
        if (accessToken.split('.').length !== 3) throw new Error('no access token');`);
      expect(read).not.toContain('NativeModule crypto');
      expect(read).not.toContain('NativeModule net');
      // Nor the streams stack: core and store-file take node:fs instead of importing it, whose
      // ES view reads `fs.ReadStream` and loads ~20 stream modules (~4 ms on Node 24).
      expect(read).not.toContain('NativeModule internal/fs/streams');
      // So this test can tell: a sign-in's state (random bytes) loads crypto, and an ES import
      // of node:fs loads the streams.
      const state = await builtinsLoadedBy(`
        const core = await import('@codex-oauth/core');
        core.generateState();
        await import('node:fs');`);
      expect(state).toContain('NativeModule crypto');
      expect(state).toContain('NativeModule internal/fs/streams');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
