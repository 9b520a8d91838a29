import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { splitArgv } from '../src/argv.js';

const SPECS = {
  flow: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('splitArgv', () => {
  it('splits like util.parseArgs in strict mode', () => {
    for (const argv of [
      ['status', '--json'],
      ['login', '--flow', 'device', 'extra'],
      ['login', '--flow=browser'],
      ['login', '--flow='],
      ['-h', 'status'],
      ['status', '--', '--json', '-h'],
      ['-'],
    ]) {
      const ours = splitArgv(argv, SPECS);
      const node = parseArgs({ args: argv, options: SPECS, allowPositionals: true, strict: true });
      expect(ours, argv.join(' ')).toEqual({
        values: { ...node.values },
        positionals: node.positionals,
      });
    }
  });

  it('refuses what util.parseArgs refuses, with a message for people', () => {
    for (const [argv, message] of [
      [['--bogus'], "Unknown option '--bogus'."],
      [['-x'], "Unknown option '-x'."],
      [['--constructor'], "Unknown option '--constructor'."],
      [['--json=1'], "Option '--json' does not take an argument."],
      [['--flow'], "Option '--flow <value>' argument missing."],
      [['--flow', '--json'], "Option '--flow' needs a value; for one that starts with a dash"],
    ] as const) {
      expect(() => splitArgv(argv, SPECS), argv.join(' ')).toThrow(message);
      expect(() =>
        parseArgs({ args: [...argv], options: SPECS, allowPositionals: true, strict: true }),
      ).toThrow();
    }
  });
});
