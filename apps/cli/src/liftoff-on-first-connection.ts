// undici parses HTTP with a WebAssembly build of llhttp, compiled when its first connection opens.
// V8 then compiles it again with TurboFan on background threads, and the process cannot exit
// before that compile ends: tens of ms and MiB for the few answers a command reads, after its
// last line is printed. Liftoff, V8's baseline WebAssembly compiler, is plenty for them
// (bench/cli-signin.mjs, bench/token-first-request.mjs). Which flag stops the second compile
// depends on V8 (measured; bench/README.md, "the device sign-in lingered on Node 24"):
//
// - V8 11 (Node 20) tiers up eagerly: `--liftoff-only`.
// - V8 12+ (Node 22+) tiers up what has run enough, and a flag set at run time no longer turns
//   TurboFan off (`--liftoff-only`, `--no-wasm-tier-up` changed nothing on Node 24); raising the
//   tier-up budget does: a device sign-in's four answers never reach it, and its ~50 ms linger
//   after "Signed in" goes.
//
// The flag is set when undici is about to connect, not at start-up: any change to V8's flags
// makes V8 refuse the code cache built into Node for its own modules, so every built-in loaded
// afterwards is compiled from source (+20 ms for http2, tls, zlib and streams, measured on Node 20
// and 24). By the first connection undici and the built-ins it uses are loaded; a command that
// makes no request through undici (status, --help, doctor, a token that is still fresh) never
// changes a flag. A flag of this process only, never the library's.
const BEFORE_CONNECT = 'undici:client:beforeConnect';

/**
 * The V8 flag that keeps this process's WebAssembly on Liftoff, for the V8 that runs it, or `null`
 * where none is known to work (a V8 that does not know a flag prints an error, so unknown
 * versions get none).
 */
export function liftoffFlag(v8Version: string = process.versions.v8): string | null {
  const major = Number(v8Version.split('.')[0]);
  if (major === 11) return '--liftoff-only';
  // The budget is "bytes executed" before a function tiers up (default 13 000 000 on V8 13);
  // the largest value the flag takes means never, for a command's lifetime.
  if (major >= 12 && major <= 14) return '--wasm-tiering-budget=2147483647';
  return null;
}

/**
 * Sets {@link liftoffFlag} the first time undici is about to open a connection (its
 * `undici:client:beforeConnect` diagnostics channel); does nothing on a V8 without one.
 */
export function liftoffOnFirstConnection(): void {
  const flag = liftoffFlag();
  if (flag === null) return;
  const channels = process.getBuiltinModule('node:diagnostics_channel');
  let set = false;
  channels.subscribe(BEFORE_CONNECT, () => {
    if (set) return;
    set = true;
    process.getBuiltinModule('node:v8').setFlagsFromString(flag);
  });
}
