import type { LoginResult } from '@codex-oauth/core';

/** The `login --json` document (apps/cli/docs/json.md): status's field names where they overlap. */
export function loginDocument(result: LoginResult) {
  return {
    flowUsed: result.flowUsed,
    authMode: result.authMode,
    accountId: result.accountId,
    email: result.email,
    planType: result.planType,
    expiresAt: result.expiresAt?.toISOString() ?? null,
    lastRefresh: result.lastRefresh?.toISOString() ?? null,
    storageUsed: result.storageUsed,
    /** @deprecated Same as `storageUsed` (the library's name); kept for scripts that read it. */
    storage: result.storageUsed,
    path: result.path ?? null,
    persisted: result.persisted,
    warnings: result.warnings,
  };
}
