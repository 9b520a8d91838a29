import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandLine } from '../src/args.js';
import { helpText } from '../src/help.js';
import { EXAMPLES } from '../src/help-examples.js';

describe('help examples', () => {
  it('every command has an Examples section in its --help, listing its examples', () => {
    for (const command of COMMANDS) {
      const text = helpText(command);
      expect(text, command).toMatch(/\n\nExamples:\n/);
      expect(EXAMPLES[command].length, command).toBeGreaterThanOrEqual(2);
      for (const { line } of EXAMPLES[command]) expect(text).toContain(`\n  ${line}`);
    }
  });

  it('every example parses as its own command (a flag it does not take, or a bad value, fails)', () => {
    for (const command of COMMANDS) {
      for (const { line } of EXAMPLES[command]) {
        const [program, ...argv] = line.split(' ');
        expect(program, line).toBe('codex-oauth');
        // Plain words only: no quotes or shell syntax the split above would get wrong.
        expect(line, line).toMatch(/^[\w@.:/ -]+$/);
        let invocation: ReturnType<typeof parseCommandLine>;
        try {
          invocation = parseCommandLine(argv);
        } catch (error) {
          throw new Error(`help example "${line}": ${(error as Error).message}`);
        }
        expect(invocation, line).toMatchObject({ kind: 'run', command });
      }
    }
  });
});
