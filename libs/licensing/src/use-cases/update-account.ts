import type { AccountRecord } from '@acme/licensing-data-access';
import { accountTerms, requireOfferingIn } from '../domain/account-terms.js';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { actorFacts } from '../domain/facts.js';
import type { EventPayload } from '../domain/events.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

export type AccountChanges = Partial<Pick<AccountRecord, 'name' | 'kind' | 'legacyPlan' | 'offeringId' | 'suspended'>>;

/** The account as UpdateAccount audits it and its event carries it: the terms and the suspension. */
const accountState = (a: AccountRecord) => ({ ...accountTerms(a), suspended: a.suspended });

/**
 * UpdateAccount: the account's name, kind, legacy plan flag, offering or suspension (back office).
 * A new offering must be priced in the account's currency; subscriptions keep the rate they were
 * bought at. A suspended account keeps its data, and nobody in it is entitled to anything. Audited
 * with the values before and after; the event carries the values after.
 */
export async function updateAccount(
  ctx: UseCaseContext,
  changes: AccountChanges,
): Promise<{ account: AccountRecord; decision: Decision }> {
  if (changes.offeringId !== undefined) await requireOfferingIn(ctx.tx, changes.offeringId!, ctx.account.currency);
  return changeAccount(ctx, changes, 'account.updated', accountState, (value) => ({ case: 'accountUpdated', value }));
}

/**
 * Writes a change of the account's own fields with its audit entry (`view` of the account before
 * and after) and its event (built from the view after): what every account change shares.
 */
export async function changeAccount<V extends Record<string, unknown>>(
  ctx: UseCaseContext,
  changes: Parameters<UseCaseContext['tx']['updateAccount']>[1],
  action: string,
  view: (account: AccountRecord) => V,
  event: (after: V) => EventPayload,
): Promise<{ account: AccountRecord; decision: Decision }> {
  const { tx, account } = ctx;
  // Decide: who may administer accounts is all there is to it.
  const decision = await decide(ctx, 'administer_account', actorFacts(ctx.principal, account));
  const after: AccountRecord = { ...account, ...changes };
  await tx.updateAccount(account.id, changes);
  const resource = { type: 'account', id: account.id };
  await record(
    ctx,
    [auditEntry(originOfCall(ctx), action, resource, view(account), view(after))],
    [event(view(after))],
  );
  return { account: after, decision };
}
