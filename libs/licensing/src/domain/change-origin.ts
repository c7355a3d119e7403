import type { Principal } from '@acme/auth';

/** Who changed an account, why and when: the same for every audit entry and event of one call. */
export interface ChangeOrigin {
  accountId: string;
  actor: { subject: string; kind: 'user' | 'service' | 'system' };
  /** The request that caused the change (the platform's own changes name their run). */
  causationId: string;
  occurredAt: Date;
}

export function originOf(
  principal: Pick<Principal, 'subject' | 'kind'>,
  accountId: string,
  causationId: string,
  occurredAt: Date,
): ChangeOrigin {
  return { accountId, actor: { subject: principal.subject, kind: principal.kind }, causationId, occurredAt };
}

/** The actor of changes the platform makes by itself (the retention sweep). */
export const RETENTION_ACTOR = { subject: 'system:retention', kind: 'system' } as const;

/** The actor of opening balances: state an account brought with it (the demo seed, an import). */
export const OPENING_BALANCE_ACTOR = { subject: 'system:opening-balance', kind: 'system' } as const;
