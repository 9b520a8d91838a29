/**
 * `node:fs`, taken from Node instead of imported. An ES `import … from 'node:fs'` makes Node
 * build the module's ES view, which reads every export, and on Node 22+ the `ReadStream` getter
 * then loads the whole streams stack (about twenty internal modules, ~4 ms of every start-up on
 * Node 24) that store-file never uses. `node:fs` itself is loaded before any program runs, so
 * this costs nothing (bench/trade-offs.md, "a fresh read loads no streams").
 */
export const fs: typeof import('node:fs') = process.getBuiltinModule('node:fs');
