import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The built main entry, as a program imports it (`pnpm build` first, as for every package test
// that runs dist). Importing core must not load `node:http`: on Node 22+ the ES-module view of it
// reads every export, and its lazy WebSocket getters load Node's own bundled undici (~40 ms of
// CPU and ~13 MiB on Node 24) into every program, `getAccessToken` users included. The loopback
// server loads it on first use instead.
const here = fileURLToPath(new URL('..', import.meta.url));

/** Runs `code` (an ES module) in a fresh Node and returns the built-in modules it loaded. */
async function builtinsLoadedBy(code: string): Promise<string[]> {
  const script = `${code}
    console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule '))));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd: here, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } },
  );
  return JSON.parse(stdout.trim()) as string[];
}

describe("core's main entry", () => {
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
});
