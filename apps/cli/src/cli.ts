import { main } from './main.js';

// The entry stays tiny: parsing, help and the error table are loaded here; every command module
// (and with it the network stack, the lock and the QR renderer) is imported only when it runs.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() reports every error itself; reaching this is a bug in the reporter.
    process.stderr.write(`codex-oauth: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
