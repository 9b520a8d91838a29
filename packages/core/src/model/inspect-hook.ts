/**
 * `util.inspect.custom`, taken from the global symbol registry as Node documents it, so that the
 * model (which every store imports) needs no `node:util`: an `import` of `node:util` builds its
 * whole ES module facade, which on Node 24 loads 17 more internal modules (`parseArgs`, `diff`,
 * `worker_threads`…) at start-up, ~2 ms of `codex-oauth status` (bench/trade-offs.md).
 */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** The `util.inspect` that Node passes to an {@link INSPECT_CUSTOM} hook as its third argument. */
export type Inspect = (value: unknown) => string;
