import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liftoffFlag } from '../src/liftoff-on-first-connection.js';
import { runCli, useCliSandbox } from './helpers.js';

// The CLI keeps V8's WebAssembly on Liftoff (`--liftoff-only` on Node 20, a tier-up budget never
// reached on Node 22+) from the moment undici is about to open its first connection
// (src/liftoff-on-first-connection.ts), and never otherwise: any flag change makes every built-in
// loaded afterwards compile without Node's code cache. Seen from outside with a
// preload that records each `v8.setFlagsFromString` call (and passes it on), and which built-ins
// were already loaded at that moment.

let home: string;
let env: Record<string, string>;
useCliSandbox((sandbox) => {
  ({ home, env } = sandbox);
});

const PROBE = `
const v8 = require('node:v8');
const { writeSync } = require('node:fs');
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  const loaded = process.moduleLoadList.filter((m) => /^NativeModule (http2|tls)$/.test(m));
  writeSync(2, '[v8-flags] ' + JSON.stringify({ flags, loaded }) + '\\n');
  return set(flags);
};
`;

async function withProbe(): Promise<Record<string, string>> {
  const probe = join(home, 'v8-flags-probe.cjs');
  await writeFile(probe, PROBE);
  return { ...env, NODE_OPTIONS: `--require ${probe}` };
}

function flagCalls(stderr: string): { flags: string; loaded: string[] }[] {
  return [...stderr.matchAll(/^\[v8-flags\] (.*)$/gm)].map((m) => JSON.parse(m[1] as string));
}

describe('Liftoff-only WebAssembly', () => {
  it('status, --help and doctor change no V8 flag', async () => {
    const probed = await withProbe();
    for (const args of [['status'], ['--help'], ['doctor', '--json']]) {
      const r = await runCli(args, probed);
      expect(flagCalls(r.stderr), args.join(' ')).toEqual([]);
    }
  });

  it("a sign-in sets this V8's flag once, after undici loaded its built-ins, before it connects", async () => {
    const r = await runCli(['login', '--flow', 'device'], await withProbe());
    expect(r.code, r.stderr).toBe(0);
    const calls = flagCalls(r.stderr);
    // Node 20 is V8 11, Node 22 to 24 are V8 12 to 13: the two this suite runs on both have one.
    expect(calls.map((call) => call.flags)).toEqual([liftoffFlag()]);
    expect(calls[0]?.loaded.sort()).toEqual(['NativeModule http2', 'NativeModule tls']);
  });

  it('picks the flag by V8 version, and none for a V8 it does not know', () => {
    expect(liftoffFlag('11.3.244.8-node.38')).toBe('--liftoff-only');
    expect(liftoffFlag('12.4.254.21-node.33')).toBe('--wasm-tiering-budget=2147483647');
    expect(liftoffFlag('13.6.233.17-node.63')).toBe('--wasm-tiering-budget=2147483647');
    expect(liftoffFlag('10.2.154.26-node.26')).toBeNull();
    expect(liftoffFlag('15.0.1')).toBeNull();
    expect(liftoffFlag('')).toBeNull();
  });
});
