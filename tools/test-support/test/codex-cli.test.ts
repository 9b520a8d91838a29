import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CODEX_VERSIONS,
  codexSkipReason,
  findCodexBinary,
  runCodex,
  runIsolated,
} from '../src/codex-cli.js';

const skip = codexSkipReason();

/** A throwaway HTTP server on 127.0.0.1 in this (outer) namespace. */
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('hello from outside'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Node inside the namespace: GET each port, print `port:status-or-error-code`. */
const PROBE = `
const results = [];
for (const port of process.argv.slice(1)) {
  try { const r = await fetch('http://127.0.0.1:' + port + '/'); results.push(port + ':' + (await r.text())); }
  catch (e) { results.push(port + ':' + (e.cause?.code ?? e.message)); }
}
console.log(results.join('\\n'));
`;

describe.skipIf(skip)(
  `codex-cli helpers${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 30_000 },
  () => {
    let home: string;
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'codex-home-'));
    });
    afterAll(() => rm(home, { recursive: true, force: true }));

    it('finds the native 0.169.0 binary and runs it', async () => {
      const binary = findCodexBinary();
      expect(binary && existsSync(binary)).toBe(true);
      const result = await runCodex(['--version'], { codexHome: home });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/codex-cli 0\.169\.0/);
    });

    it.each(CODEX_VERSIONS)('finds and runs the native %s binary by version', async (version) => {
      expect(codexSkipReason(version)).toBeNull();
      const result = await runCodex(['--version'], { codexHome: home, version });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`codex-cli ${version}`);
    });

    it('runs `codex login status` on an empty CODEX_HOME: Not logged in, exit 1', async () => {
      const result = await runCodex(['login', 'status'], { codexHome: home });
      expect(result.code).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toMatch(/Not logged in/);
    });

    it('bridges forwarded ports into the namespace and nothing else', async () => {
      const open = await listen();
      const closed = await listen();
      try {
        const result = await runIsolated(
          process.execPath,
          ['--input-type=module', '-e', PROBE, String(open.port), String(closed.port)],
          { forwardPorts: [open.port] },
        );
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`${open.port}:hello from outside`);
        expect(result.stdout).toContain(`${closed.port}:ECONNREFUSED`);
      } finally {
        open.server.close();
        closed.server.close();
      }
    });

    it('passes stdin through and reports the exit code', async () => {
      const result = await runIsolated('sh', ['-c', 'read line; echo "got $line"; exit 3'], {
        input: 'ping\n',
      });
      expect(result).toMatchObject({ code: 3, stdout: 'got ping\n', timedOut: false });
    });

    it('kills the whole process group on timeout', async () => {
      const result = await runIsolated('sleep', ['30'], { timeoutMs: 200 });
      expect(result.timedOut).toBe(true);
      expect(result.code).toBeNull();
    });
  },
);
