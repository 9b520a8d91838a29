import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadmes, typescriptBlocks } from '../../../scripts/readme-typecheck.mjs';

// The README check seen from outside: fixture packages (inside the repository, so `node:` types
// resolve from its node_modules) whose READMEs hold good and bad examples. The check of the real
// READMEs is `pnpm check` itself (it needs every package built first).

let root: string;
beforeAll(async () => {
  await mkdir(join(import.meta.dirname, '..', 'test-output'), { recursive: true });
  root = await mkdtemp(join(import.meta.dirname, '..', 'test-output', 'readme-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A package named `@fixture/<name>` with `readme` as its README; its README path. */
async function fixture(name: string, readme: string) {
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `@fixture/${name}`, type: 'module' }),
  );
  await writeFile(join(dir, 'README.md'), readme);
  return { dir, readme: join(dir, 'README.md') };
}

const good = [
  '# good',
  '',
  '```ts',
  "import { readFileSync } from 'node:fs';",
  "console.log(readFileSync('/etc/hostname', 'utf8').trim());",
  '```',
  '',
].join('\n');

describe('readme-typecheck', () => {
  it('finds ts and typescript blocks, with the README line of their first line', () => {
    const blocks = typescriptBlocks(
      'a\n```ts\nx;\n```\n```sh\nls\n```\n```typescript\ny;\nz;\n```\n',
    );
    expect(blocks.map((b) => [b.line, b.code])).toEqual([
      [3, 'x;'],
      [9, 'y;\nz;'],
    ]);
  });

  // One tsc run for all four fixtures (a run costs seconds); each error names its README.
  it('passes good examples and fails bad ones, each at its own README line', async () => {
    const good1 = await fixture('good', good);
    const missingApi = await fixture(
      'missing-api',
      [
        '# bad',
        '',
        '```ts',
        "import { readFileSync } from 'node:fs';",
        'readFileSync.refresh();',
        '```',
        '',
      ].join('\n'),
    );
    // Free variables come from a typecheck-prelude comment, and only from there.
    const body = ['```ts', 'console.log(store.path.toUpperCase());', '```', ''];
    const noPrelude = await fixture('no-prelude', ['# x', '', ...body].join('\n'));
    const prelude = await fixture(
      'prelude',
      [
        '# x',
        '',
        '<!-- typecheck-prelude',
        'declare const store: { path: string };',
        '-->',
        ...body,
      ].join('\n'),
    );
    const errors = checkReadmes([good1, missingApi, noPrelude, prelude]);
    const at = (pkg: { readme: string }) => errors.filter((e) => e.readme === pkg.readme);
    expect(at(good1)).toEqual([]);
    expect(at(prelude)).toEqual([]);
    expect(at(missingApi)).toHaveLength(1);
    expect(at(missingApi)[0]).toMatchObject({ line: 5 });
    expect(at(missingApi)[0]?.message).toMatch(/TS2339: Property 'refresh' does not exist/);
    expect(at(noPrelude)).toHaveLength(1);
    expect(at(noPrelude)[0]).toMatchObject({ line: 4 });
    expect(at(noPrelude)[0]?.message).toMatch(/Cannot find name 'store'/);
    expect(errors).toHaveLength(2);
  });
});
