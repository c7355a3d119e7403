import type { AccountRecord, UserRecord } from '@acme/licensing-data-access';
import { newId } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { accountTerms, FIRST_USER_ROLES, requireOfferingIn } from '../domain/account-terms.js';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { actorFacts } from '../domain/facts.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

export interface NewAccount {
  account: AccountRecord;
  /** Trimmed and lower-cased by the caller; `id` names the owner's user id (an import's), else a new one. */
  owner: { id?: string; email: string; displayName: string };
}

/**
 * CreateAccount: the account (the caller was authorized by the who-may-act rules for
 * `administer_account`) with its first user, who buys seats in its style (a GoTo super admin, a
 * Zendesk owner), audited, and the account's first event. `ctx.account` is the account to create.
 */
export async function createAccount(
  ctx: UseCaseContext,
  command: NewAccount['owner'],
): Promise<{ account: AccountRecord; owner: UserRecord; decision: Decision }> {
  const { tx, now } = ctx;
  const planned = ctx.account;
  // Decide: who may administer accounts is all there is to it (the account as it would be).
  const decision = await decide(ctx, 'administer_account', actorFacts(ctx.principal, planned));
  // Load
  if (await tx.account(planned.id))
    throw new AppError('already_exists', `account ${planned.id} already exists`, {
      reason: 'ALREADY_EXISTS',
      metadata: { account_id: planned.id },
    });
  await requireOfferingIn(tx, planned.offeringId!, planned.currency);

  // Apply, audit, events
  const owner: UserRecord = {
    id: command.id ?? newId('usr'),
    accountId: planned.id,
    email: command.email,
    displayName: command.displayName,
    roles: FIRST_USER_ROLES[planned.style],
    permissions: [],
    createdAt: now,
    deactivatedAt: null,
  };
  const account: AccountRecord = { ...planned, ownerUserId: owner.id };
  await tx.insertAccount(account);
  tx.insertUser(owner);
  const origin = originOfCall(ctx);
  await record(
    ctx,
    [
      auditEntry(origin, 'account.created', { type: 'account', id: account.id }, null, {
        ...accountTerms(account),
        style: account.style,
        currency: account.currency,
        ownerUserId: owner.id,
      }),
      auditEntry(origin, 'user.created', { type: 'user', id: owner.id }, null, {
        email: owner.email,
        displayName: owner.displayName,
        roles: owner.roles,
        permissions: [],
      }),
    ],
    [
      {
        case: 'accountCreated',
        value: {
          ...accountTerms(account),
          style: account.style,
          currency: account.currency,
          ownerUserId: owner.id,
        },
      },
    ],
  );
  return { account, owner, decision };
}
