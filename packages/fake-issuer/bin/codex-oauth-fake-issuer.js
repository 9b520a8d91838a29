#!/usr/bin/env node
// The `codex-oauth-fake-issuer` executable. A file in the repository rather than in dist/, so that
// pnpm can link the bin of a workspace that has not been built yet (no "Failed to create bin").
import '../dist/cli.js';
