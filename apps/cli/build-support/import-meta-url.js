// Injected into every CLI bundle (see tsup.config.ts) in place of tsup's CommonJS shim, which
// computes `import.meta.url` with `new URL()` at the top of each bundle (~0.2 ms). Our packages
// use `import.meta.url` only inside functions that most runs never call, so it is computed on
// first read instead. `__filename` is the bundle's own, as the bundle loader passes it.
export const __codexOAuthImportMeta = {
  get url() {
    return require('node:url').pathToFileURL(__filename).href;
  },
};
