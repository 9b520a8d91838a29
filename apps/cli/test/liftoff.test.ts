import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useCliSandbox } from './helpers.js';

// On Node 20 (V8 11) the CLI switches V8 to Liftoff-only WebAssembly when undici is about to open
// its first connection (src/liftoff-on-first-connection.ts), and never otherwise: any flag change
// makes every built-in loaded afterwards compile without Node's code cache. Seen from outside with a
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

const v8Eleven = process.versions.v8.startsWith('11.');

describe('Liftoff-only WebAssembly', () => {
  it('status, --help and doctor change no V8 flag', async () => {
    const probed = await withProbe();
    for (const args of [['status'], ['--help'], ['doctor', '--json']]) {
      const r = await runCli(args, probed);
      expect(flagCalls(r.stderr), args.join(' ')).toEqual([]);
    }
  });

  it.runIf(v8Eleven)(
    'Node 20: a sign-in sets it once, after undici loaded its built-ins, before it connects',
    async () => {
      const r = await runCli(['login', '--flow', 'device'], await withProbe());
      expect(r.code, r.stderr).toBe(0);
      const calls = flagCalls(r.stderr);
      expect(calls.map((call) => call.flags)).toEqual(['--liftoff-only']);
      expect(calls[0]?.loaded.sort()).toEqual(['NativeModule http2', 'NativeModule tls']);
    },
  );

  it.skipIf(v8Eleven)('newer V8 (Node 22+): a sign-in changes no V8 flag', async () => {
    const r = await runCli(['login', '--flow', 'device'], await withProbe());
    expect(r.code, r.stderr).toBe(0);
    expect(flagCalls(r.stderr)).toEqual([]);
  });
});
