import type { Principal } from '@acme/auth';
import type { AccountRecord } from '@acme/licensing-data-access';

/** The `actor` and `account` facts every decision point needs (see libs/rules catalogue). */
export function actorFacts(principal: Principal, account: AccountRecord) {
  return {
    actor: {
      kind: principal.kind,
      roles: [...principal.roles],
      permissions: [...principal.permissions],
      scopes: [...principal.scopes],
      isOwner: principal.kind === 'user' && account.ownerUserId === principal.subject,
    },
    account: { kind: account.kind, style: account.style, cardOnFile: account.cardOnFile, legacyPlan: account.legacyPlan },
  };
}
