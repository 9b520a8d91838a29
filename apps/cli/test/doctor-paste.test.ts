import { describe, expect, it } from 'vitest';
import { runCli, useCliSandbox } from './helpers.js';

let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ env } = sandbox);
});

describe('doctor explains the paste', () => {
  it('--flow paste: what will happen and what to copy', async () => {
    const r = await runCli(['doctor', '--json', '--flow', 'paste'], env);
    const doc = JSON.parse(r.stdout) as {
      checks: { id: string; summary: string; details: string[] }[];
    };
    const environment = doc.checks.find((c) => c.id === 'environment');
    expect(environment?.summary).toContain('--flow paste requested');
    expect(environment?.details.join('\n')).toMatch(/copy that address and paste it/);
    expect(environment?.details.join('\n')).toContain('ssh -L 1455:127.0.0.1:1455');
  });

  it('where nobody can answer, the fix names --flow paste too', async () => {
    const r = await runCli(['doctor', '--json'], env);
    const doc = JSON.parse(r.stdout) as { checks: { id: string; fix?: string }[] };
    expect(doc.checks.find((c) => c.id === 'environment')?.fix).toContain('--flow paste');
  });
});
