// undici parses HTTP with a WebAssembly build of llhttp, compiled when its first connection opens.
// Node 20's V8 (11.x) then compiles it again with TurboFan on background threads, and the process
// cannot exit before that compile ends: ~90 ms of CPU and ~35 MiB for the few answers a command
// reads. Liftoff, V8's baseline WebAssembly compiler, is plenty for them (bench/cli-signin.mjs,
// bench/token-first-request.mjs). Newer V8 (Node 22+) compiles lazily and tiers up only hot code;
// there a flag set at run time changed nothing but the cost below (Node 24, measured), so it is
// left alone.
//
// The flag is set when undici is about to connect, not at start-up: any change to V8's flags
// makes V8 refuse the code cache built into Node for its own modules, so every built-in loaded
// afterwards is compiled from source (+20 ms for http2, tls, zlib and streams, measured on Node 20
// and 24). By the first connection undici and the built-ins it uses are loaded; a command that
// makes no request through undici (status, --help, doctor, a token that is still fresh) never
// changes a flag. A flag of this process only, never the library's.
const BEFORE_CONNECT = 'undici:client:beforeConnect';

/**
 * On V8 11 (Node 20), switches this process to Liftoff-only WebAssembly (`--liftoff-only`) the
 * first time undici is about to open a connection (its `undici:client:beforeConnect` diagnostics
 * channel); elsewhere does nothing.
 */
export function liftoffOnFirstConnection(): void {
  if (!process.versions.v8.startsWith('11.')) return;
  const channels = process.getBuiltinModule('node:diagnostics_channel');
  let set = false;
  channels.subscribe(BEFORE_CONNECT, () => {
    if (set) return;
    set = true;
    process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
  });
}
