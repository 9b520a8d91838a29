import { type MintedTokens, mintTokens, randomHex } from './tokens.js';
import type { AuthorizeOutcome, FakeAccount, IssuedGrant, IssuedRefreshToken } from './types.js';

/** Resolved options the route handlers read. */
export interface Settings {
  /** Base URL; filled in once the server listens. */
  issuer: string;
  clientId: string;
  accessTtlSeconds: number;
  refreshedTtlSeconds: number;
  now: () => number;
  deviceLogin: boolean;
  deviceInterval: string | number;
  deviceTtlSeconds: number;
  deviceAutoApprove: boolean;
  registeredPorts: number[] | 'any';
  /** `workspace_backend_origin` of the ChatGPT backend's account check. */
  workspaceBackendOrigin: string;
  /** Refreshes mint the grant's own account, not the current one. */
  accountPerGrant: boolean;
}

/** What the ChatGPT backend route needs to know about an access token minted here. */
export interface MintedAccessToken {
  grant: IssuedGrant;
  /** The account as it was when the token was minted (its claims). */
  account: FakeAccount;
  /** The token's `exp`, in ms on the issuer's clock. */
  expiresAt: number;
}

/** An authorization code: single use, bound to client, redirect URI and challenge. */
export interface AuthCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
  via: IssuedGrant['via'];
}

/** A device code between `/deviceauth/usercode` and a successful poll. */
export interface DeviceCode {
  deviceAuthId: string;
  userCode: string;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  /** Time of the previous poll, for `slow_down`. */
  lastPollAt: number | null;
}

/** Authorization codes live 10 minutes, like typical authorization servers. */
const CODE_TTL_MS = 10 * 60 * 1000;

/** Everything the fake issuer remembers. One instance per running issuer. */
export class IssuerState {
  authorizeOutcome: AuthorizeOutcome = 'approve';
  readonly codes = new Map<string, AuthCode>();
  readonly grants: IssuedGrant[] = [];
  readonly refreshTokens = new Map<string, IssuedRefreshToken>();
  /** Access and id tokens to their grant, for `isLive`. */
  readonly tokenGrants = new Map<string, IssuedGrant>();
  /** Access tokens only, for the ChatGPT backend route. */
  readonly accessTokens = new Map<string, MintedAccessToken>();
  /** Access tokens the backend must answer 401 for (`rejectAccessToken`). */
  readonly rejectedAccessTokens = new Set<string>();
  readonly devices = new Map<string, DeviceCode>();

  constructor(
    readonly settings: Settings,
    public account: FakeAccount,
  ) {}

  /** Mint a fresh authorization code. */
  issueCode(binding: Omit<AuthCode, 'expiresAt' | 'used'>): string {
    const code = `ac_${randomHex(24)}`;
    this.codes.set(code, { ...binding, expiresAt: this.settings.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** Start a new grant (a sign-in) and mint its first tokens. */
  startGrant(via: IssuedGrant['via'], clientId: string): MintedTokens {
    const grant: IssuedGrant = {
      id: `grant_${randomHex(8)}`,
      clientId,
      via,
      createdAt: this.settings.now(),
      account: { ...this.account },
      refreshTokens: [],
      accessTokens: [],
      idTokens: [],
      refreshCount: 0,
      revoked: null,
    };
    this.grants.push(grant);
    return this.mintFor(grant, this.settings.accessTtlSeconds);
  }

  /** Rotate: the presented refresh token becomes `rotated`, and new tokens are minted. */
  rotate(grant: IssuedGrant, used: IssuedRefreshToken): MintedTokens {
    used.state = 'rotated';
    grant.refreshCount += 1;
    return this.mintFor(grant, this.settings.refreshedTtlSeconds);
  }

  /** Stop a grant: every token of it stops working, as the real server does on reuse. */
  revokeGrant(grant: IssuedGrant, reason: NonNullable<IssuedGrant['revoked']>): void {
    if (grant.revoked === null) grant.revoked = reason;
    for (const token of grant.refreshTokens) {
      const entry = this.refreshTokens.get(token);
      if (entry && entry.state !== 'expired') entry.state = 'revoked';
    }
  }

  /** The grant of any token minted here. */
  grantOf(token: string): IssuedGrant | undefined {
    const refresh = this.refreshTokens.get(token);
    if (refresh) return this.grants.find((g) => g.id === refresh.grantId);
    return this.tokenGrants.get(token);
  }

  private mintFor(grant: IssuedGrant, ttlSeconds: number): MintedTokens {
    const account = this.settings.accountPerGrant ? grant.account : this.account;
    const minted = mintTokens({
      issuer: this.settings.issuer,
      clientId: grant.clientId,
      account,
      now: this.settings.now(),
      ttlSeconds,
    });
    grant.refreshTokens.push(minted.refreshToken);
    grant.accessTokens.push(minted.accessToken);
    grant.idTokens.push(minted.idToken);
    this.tokenGrants.set(minted.accessToken, grant);
    this.tokenGrants.set(minted.idToken, grant);
    this.accessTokens.set(minted.accessToken, {
      grant,
      account: { ...account },
      // Exactly the JWT's `exp` (whole seconds), so the backend and Codex agree on expiry.
      expiresAt: (Math.floor(this.settings.now() / 1000) + ttlSeconds) * 1000,
    });
    this.refreshTokens.set(minted.refreshToken, {
      token: minted.refreshToken,
      grantId: grant.id,
      state: 'live',
      issuedAt: this.settings.now(),
    });
    return minted;
  }
}
