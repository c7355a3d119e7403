import { signToken } from '@acme/auth';
import type { JWK } from 'jose';
import type { Mint } from './oidc-sign-in.js';
import type { DemoIdentity } from './pages/sign-in.js';

/** The demo accounts' people, one per role the articles act as (the dev stack's seed). */
export const DEMO_IDENTITIES: readonly DemoIdentity[] = [
  {
    key: 'goto-super-admin',
    name: 'Ada Admin (GoTo, super admin)',
    subject: 'usr_demo_goto_admin',
    accountId: 'acct_demo_goto',
  },
  { key: 'goto-member', name: 'Bo Agent (GoTo, member)', subject: 'usr_demo_goto_agent', accountId: 'acct_demo_goto' },
  {
    key: 'goto-manager',
    name: 'Cy Manager (GoTo, manage users)',
    subject: 'usr_demo_goto_manager',
    accountId: 'acct_demo_goto',
  },
  { key: 'zendesk-owner', name: 'Zendesk owner', subject: 'usr_demo_zendesk_owner', accountId: 'acct_demo_zendesk' },
  {
    key: 'zendesk-agent',
    name: 'Zendesk agent (member)',
    subject: 'usr_demo_zendesk_agent1',
    accountId: 'acct_demo_zendesk',
  },
  {
    key: 'operator',
    name: 'Oli Operator (back office)',
    subject: 'svc:back-office-oli',
    accountId: '',
    scopes: ['licenses:read', 'sales_orders:complete'],
  },
];

/** The token claims of a demo identity: a user of an account, or a back-office service with its scopes. */
export function demoClaims(identity: DemoIdentity) {
  return identity.scopes
    ? { subject: identity.subject, kind: 'service' as const, scopes: [...identity.scopes] }
    : { subject: identity.subject, accountId: identity.accountId };
}

/** Signs a demo identity in with the dev stack's keys. */
export type SignIn = (identity: DemoIdentity) => Promise<string>;

/** Signs the licensing tokens of the console's sessions (8 hours, as long as a session) with `privateJwk`. */
export function tokenMinter(privateJwk: JWK, issuer: string, audience: string): Mint {
  return (claims) => signToken(privateJwk, { ...claims, issuer, audience, expiresIn: '8h' });
}

export function devSignIn(privateJwk: JWK, issuer: string, audience: string): SignIn {
  const mint = tokenMinter(privateJwk, issuer, audience);
  return (identity) => mint(demoClaims(identity));
}
