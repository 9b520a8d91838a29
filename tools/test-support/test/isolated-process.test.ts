import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { codexSkipReason, type IsolatedProcess, spawnIsolated } from '../src/codex-cli.js';

const skip = codexSkipReason();
if (skip) console.log(`spawnIsolated tests skipped: ${skip}`);

/** A throwaway HTTP server on 127.0.0.1 in this (outer) namespace that echoes the path. */
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => res.end(`outside saw ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Inside the namespace: for each stdin line `PORT PATH`, GET it and print the answer or error. */
const ECHO = `
import { createInterface } from 'node:readline';
for await (const line of createInterface({ input: process.stdin })) {
  const [port, path] = line.split(' ');
  try { const r = await fetch('http://127.0.0.1:' + port + path); console.log(await r.text()); }
  catch (e) { console.log('error ' + (e.cause?.code ?? e.message)); }
}
console.error('stdin closed');
`;

/** Is `pid` gone (no such process, or a zombie nobody reaped yet)? */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe.skipIf(skip)(
  `spawnIsolated${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 30_000 },
  () => {
    it('keeps stdio live for a conversation through the forwarded port only', async () => {
      const open = await listen();
      const closed = await listen();
      let child: IsolatedProcess | undefined;
      try {
        child = await spawnIsolated(process.execPath, ['--input-type=module', '-e', ECHO], {
          forwardPorts: [open.port],
        });
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const ask = async (line: string) => {
          child?.stdin.write(`${line}\n`);
          return (await lines.next()).value;
        };
        // Each answer arrives before the next question is written: the pipes are live both ways.
        expect(await ask(`${open.port} /one`)).toBe('outside saw /one');
        expect(await ask(`${open.port} /two`)).toBe('outside saw /two');
        expect(await ask(`${closed.port} /three`)).toBe('error ECONNREFUSED');
        child.stdin.end();
        expect(await child.exited).toEqual({ code: 0, signal: null });
        expect(child.stderrText()).toContain('stdin closed');
      } finally {
        await child?.stop();
        open.server.close();
        closed.server.close();
      }
    });

    it('stop() kills the whole process group: bridge, command and its children', async () => {
      const { server, port } = await listen();
      const child = await spawnIsolated(
        'sh',
        ['-c', 'sleep 300 & echo "$!"; sleep 300 & echo "$!"; wait'],
        { forwardPorts: [port] },
      );
      try {
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const pids = [Number((await lines.next()).value), Number((await lines.next()).value)];
        expect(pids.every((pid) => pid > 0 && !gone(pid))).toBe(true);
        const exit = await child.stop();
        expect(exit.code).not.toBe(0);
        await vi.waitFor(() => expect(pids.filter((pid) => !gone(pid))).toEqual([]), {
          timeout: 10_000,
        });
      } finally {
        await child.stop();
        server.close();
      }
    });

    it('kill() signals the group, also without forwarded ports', async () => {
      const child = await spawnIsolated('sh', ['-c', 'sleep 300 & echo "$!"; wait']);
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const pid = Number((await lines.next()).value);
      child.kill();
      expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
      await vi.waitFor(() => expect(gone(pid)).toBe(true), { timeout: 10_000 });
    });
  },
);
