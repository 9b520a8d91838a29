#!/usr/bin/env node
// The `codex-oauth` executable: CommonJS (bin/package.json), see src/bin.ts for why. A file in the
// repository rather than in dist/, so that pnpm can link the bin of a workspace that has not been
// built yet (no "Failed to create bin" warning).
require('../dist/cli.cjs');
