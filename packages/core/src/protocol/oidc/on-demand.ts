import type { TokenSet } from '../../model/auth-record.js';
import type { DeviceCode } from '../device-code.js';
import type { PollRfc8628Options, Rfc8628Options } from './device-flow-rfc8628.js';
import type { DiscoverOidcOptions, OidcProfile } from './provider-oidc.js';

// The OIDC profile's steps and oauth4webapi (~100 KB of code) load on the first OIDC call, not
// with core: a program that signs in with OpenAI or refreshes its tokens (getAccessToken,
// `codex-oauth token`) never parses them. Measured with env-detect, which core loads the same way:
// 1.6 MiB of a refreshing `codex-oauth token`'s peak memory on Node 20, 5 MiB on Node 24.
let loaded: Promise<typeof import('./steps.js')> | undefined;

/** The OIDC steps module, imported once, on first use. */
export function oidcSteps(): Promise<typeof import('./steps.js')> {
  loaded ??= import('./steps.js');
  return loaded;
}

/**
 * Reads an issuer's discovery document and returns the profile the flows use.
 * Throws `CODEX_OAUTH_DISCOVERY_FAILED` when the document is unreachable, malformed, names another
 * issuer, or lacks the authorization or token endpoint.
 *
 * @example
 * ```ts
 * const provider = await discoverOidcProfile({ issuer: 'https://id.example', clientId: 'cli', fetch });
 * ```
 */
export async function discoverOidcProfile(options: DiscoverOidcOptions): Promise<OidcProfile> {
  return (await oidcSteps()).discoverOidcProfile(options);
}

/**
 * Starts an RFC 8628 device authorization at the issuer's `device_authorization_endpoint`
 * (through oauth4webapi). `verificationUrl` prefers `verification_uri_complete` when the issuer
 * gives one; the interval is clamped to 1–60 s (a missing one is 5 s, as the RFC says).
 */
export async function requestDeviceAuthorization(
  options: Rfc8628Options & { now?: () => number },
): Promise<DeviceCode> {
  return (await oidcSteps()).requestDeviceAuthorization(options);
}

/**
 * Polls the token endpoint with the device-code grant until the user approves, through the shared
 * poll loop (floor, deadline, transient budget, abort; `slow_down` adds 5 s).
 */
export async function pollDeviceCodeGrant(options: PollRfc8628Options): Promise<TokenSet> {
  return (await oidcSteps()).pollDeviceCodeGrant(options);
}
