/** Scope asked of a generic OIDC issuer: `offline_access` so a refresh token comes back. */
export const OIDC_DEFAULT_SCOPE = 'openid profile email offline_access';
