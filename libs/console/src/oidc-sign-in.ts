import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { UserState } from '@acme/contracts';
import type { TokenClaims } from '@acme/auth';
import { decodeGrpcError, GrpcStatus } from '@acme/grpc';
import type { Licensing } from './routes/context.js';

/** Signs a token the licensing service trusts (the console's own key, or the dev stack's). */
export type Mint = (claims: Omit<TokenClaims, 'issuer' | 'audience' | 'expiresIn' | 'rawClaims'>) => Promise<string>;

/** Production sign-in: the company's identity provider, by OpenID Connect. */
export interface OidcOptions {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** The console's own external address; the provider sends people back to `<publicUrl>/auth/callback`. */
  publicUrl: string;
  /** The ID token claim naming the person's account (`org_id`: the account id). */
  accountClaim: string;
  /** People whose `groups` claim holds this group sign in as operators of the back office; null: nobody. */
  operatorGroup: string | null;
  /** Development and tests only: a provider on http://. */
  allowHttp: boolean;
  /** Sign-ins under way at once (default 10,000): a flood of starts drops the oldest, never grows without bound. */
  maxPending?: number;
}

/** Who a verified sign-in is, for a session; or why nobody. */
export type SignedIn =
  | { ok: true; token: string; name: string; subject: string; accountId: string; operator: boolean }
  | { ok: false; reason: 'unverified' | 'not-a-user' };

/** What the provider's authorization request carried, kept on the server until its callback. */
interface Pending {
  state: string;
  nonce: string;
  codeVerifier: string;
  expiresAt: number;
}

const PENDING_MS = 10 * 60 * 1000;
/** Sign-ins under way at once: enough for any crowd of people, a bound on what a flood can hold. */
const MAX_PENDING = 10_000;
const OPERATOR_SCOPES = ['licenses:read', 'sales_orders:complete'];

/**
 * Authorization Code with PKCE against the identity provider (openid-client): the ID token is
 * verified (signature, issuer, audience, nonce), then the person is found among the account's
 * users by their verified email, and the console signs the licensing token of that user, which is
 * all the services ever see. A group named by the configuration makes an operator (a back-office
 * service identity with its scopes). Pending sign-ins are kept on the server for 10 minutes and
 * used once.
 */
export class OidcSignIn {
  private readonly pending = new Map<string, Pending>();
  private config: Promise<oidc.Configuration> | undefined;
  readonly redirectUri: string;

  constructor(
    private readonly options: OidcOptions,
    private readonly licensing: Licensing,
    private readonly mint: Mint,
    private readonly now: () => number = Date.now,
  ) {
    this.redirectUri = new URL('/auth/callback', options.publicUrl).href;
  }

  /** The provider's discovery, on first use (the console may start before the provider answers). */
  private configuration(): Promise<oidc.Configuration> {
    this.config ??= oidc
      .discovery(
        new URL(this.options.issuerUrl),
        this.options.clientId,
        { redirect_uris: [this.redirectUri], response_types: ['code'] },
        oidc.ClientSecretBasic(this.options.clientSecret),
        this.options.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.config = undefined;
        throw error;
      });
    return this.config;
  }

  /** Starts a sign-in: the id of what it keeps (for an HttpOnly cookie) and where to send the browser. */
  async start(): Promise<{ pendingId: string; location: string }> {
    const config = await this.configuration();
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
    // Starting sign-ins costs nothing to a stranger: however many they start, the oldest go first.
    while (this.pending.size >= (this.options.maxPending ?? MAX_PENDING))
      this.pending.delete(this.pending.keys().next().value!);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: Pending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      expiresAt: now + PENDING_MS,
    };
    const pendingId = randomBytes(32).toString('base64url');
    this.pending.set(pendingId, pending);
    const location = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    }).href;
    return { pendingId, location };
  }

  /**
   * The provider's answer: null when it cannot be trusted (no pending sign-in of this browser, too
   * old, or the exchange or the ID token's checks fail); otherwise who signed in, or why nobody.
   */
  async finish(pendingId: string | undefined, callbackPath: string): Promise<SignedIn | null> {
    const pending = pendingId ? this.pending.get(pendingId) : undefined;
    if (pendingId) this.pending.delete(pendingId);
    if (!pending || pending.expiresAt <= this.now()) return null;
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        await this.configuration(),
        // The address the provider sent the browser to, as configured: never the request's Host header.
        new URL(callbackPath, this.options.publicUrl),
        {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        },
      );
      claims = tokens.claims();
    } catch {
      return null;
    }
    return claims ? this.identify(claims) : null;
  }

  private async identify(claims: oidc.IDToken): Promise<SignedIn> {
    const email = typeof claims.email === 'string' ? claims.email : '';
    if (!email || claims.email_verified !== true) return { ok: false, reason: 'unverified' };
    const groups = Array.isArray(claims.groups) ? claims.groups : [];
    if (this.options.operatorGroup && groups.includes(this.options.operatorGroup)) {
      const subject = `svc:console:${email}`;
      return {
        ok: true,
        token: await this.mint({ subject, kind: 'service', scopes: OPERATOR_SCOPES }),
        name: typeof claims.name === 'string' ? claims.name : email,
        subject,
        accountId: '',
        operator: true,
      };
    }
    const accountId = claims[this.options.accountClaim];
    if (typeof accountId !== 'string' || !accountId) return { ok: false, reason: 'not-a-user' };
    // Who this email is in the account: a lookup confined to that account, read only.
    const lookup = await this.mint({
      subject: 'svc:admin-console',
      kind: 'service',
      scopes: ['licenses:read'],
      accountId,
    });
    const found = await this.licensing.listUsers({ accountId, query: email, pageSize: 50 }, { token: lookup }).then(
      (answer) => answer.users,
      (error: unknown) => {
        // No such account is nobody to sign in as; the service not answering is not an answer.
        const code = decodeGrpcError(error as never).code;
        if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED) throw error;
        return [];
      },
    );
    const user = found.find((u) => u.email.toLowerCase() === email.toLowerCase() && u.state === UserState.ACTIVE);
    if (!user) return { ok: false, reason: 'not-a-user' };
    return {
      ok: true,
      token: await this.mint({ subject: user.id, accountId }),
      name: user.displayName,
      subject: user.id,
      accountId,
      operator: false,
    };
  }
}
