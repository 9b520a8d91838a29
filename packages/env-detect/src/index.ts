/** Placeholder until the package lands. */
export const PACKAGE_NAME = '@codex-oauth/env-detect';
