/**
 * No caller reads or changes another account, whatever its roles: every RPC naming the other
 * account is PERMISSION_DENIED for every kind of caller that belongs to an account (a service
 * token with an `acct` claim included), and calls on one's own account that name the other
 * account's users, queues or orders find nothing of it. The other account is checked unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntitlementReason } from '@acme/contracts';
import { GrpcStatus } from '@acme/grpc';
import { createCallerUsers, SERVICE_SCOPES } from './role-matrix.js';
import { PLANS, prepareFixtures, probesFor, type Fixtures, type Probe } from './rpc-requests.js';
import { bearer, GOTO, startSecurityStack, ZENDESK, type SecurityStack } from './security-stack.js';

let stack: SecurityStack;
const fixtures: Record<string, Fixtures> = {};
/** Per account, a user for each user column of the table, whose record holds its roles. */
const callerUsers: Record<string, Record<string, string>> = {};
const OTHER: Record<string, string> = { [GOTO]: ZENDESK, [ZENDESK]: GOTO };

/** What the account's audit trail and seat usage say; any change to the account shows here. */
async function stateOf(accountId: string): Promise<string> {
  const reader = bearer(await stack.sign({ subject: PLANS[accountId]!.superAdmin, accountId }));
  const seen = [
    (await stack.call('ListAuditEvents', { pageSize: 1000 }, reader)).response,
    (await stack.call('GetSeatUsage', {}, reader)).response,
  ];
  return JSON.stringify(seen, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Callers that belong to `accountId`: every user column of the table, and a service confined by its acct claim. */
async function tokensOf(accountId: string): Promise<[string, string][]> {
  const users = Object.entries(callerUsers[accountId]!).map(
    async ([name, userId]) => [name, bearer(await stack.sign({ subject: userId, accountId }))] as [string, string],
  );
  const service = stack.sign({ subject: 'svc:confined', kind: 'service', accountId, scopes: SERVICE_SCOPES });
  return [...(await Promise.all(users)), ['service with acct', bearer(await service)]];
}

beforeAll(async () => {
  stack = await startSecurityStack();
  fixtures[GOTO] = await prepareFixtures(stack, PLANS[GOTO]!);
  fixtures[ZENDESK] = await prepareFixtures(stack, PLANS[ZENDESK]!);
  for (const accountId of [GOTO, ZENDESK])
    callerUsers[accountId] = await createCallerUsers(stack, accountId, 'tenancy');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each([GOTO, ZENDESK])('callers of %s', (home) => {
  const other = OTHER[home]!;
  /** Requests that name the other account, with its own ids, sent for real (no validate_only). */
  const foreignProbes = (): Probe[] =>
    probesFor(PLANS[other]!, fixtures[other]!, true).filter((p) => p.rpc !== 'ListProducts');

  it('are PERMISSION_DENIED on every RPC naming the other account, and it stays unchanged', async () => {
    const before = await stateOf(other);
    const leaks: string[] = [];
    for (const [caller, token] of await tokensOf(home)) {
      for (const probe of foreignProbes()) {
        const outcome = await stack.call(probe.rpc, probe.body({ userId: PLANS[other]!.target }), token);
        if (outcome.code !== GrpcStatus.PERMISSION_DENIED || outcome.reason !== 'PERMISSION_DENIED')
          leaks.push(`${caller} ${probe.label}: ${GrpcStatus[outcome.code]} ${outcome.message}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await stateOf(other)).toBe(before);
  });

  it('find nothing of the other account when naming its users, queues and orders on their own', async () => {
    const before = await stateOf(other);
    const foreignIds = [
      other,
      PLANS[other]!.target,
      PLANS[other]!.queueMember,
      fixtures[other]!.queueId,
      fixtures[other]!.orderId,
    ];
    const [, superAdmin] = (await tokensOf(home))[0]!;
    const leaks: string[] = [];
    for (const probe of foreignProbes()) {
      const body = { ...probe.body({ userId: PLANS[other]!.target }), accountId: '' };
      const outcome = await stack.call(probe.rpc, body, superAdmin);
      if (probe.rpc === 'CheckEntitlements') {
        // It echoes the user ids asked about; of another account's users it knows nothing.
        const results = (outcome.response as { results: { reason: number }[] }).results;
        if (results.some((r) => r.reason !== EntitlementReason.UNKNOWN_USER))
          leaks.push(`${probe.label}: answers about ${PLANS[other]!.target}`);
        continue;
      }
      const seen = JSON.stringify(outcome.response ?? {}, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      const shown = foreignIds.filter((id) => seen.includes(id));
      if (shown.length > 0) leaks.push(`${probe.label}: ${GrpcStatus[outcome.code]} shows ${shown.join(', ')}`);
    }
    expect(leaks).toEqual([]);
    expect(await stateOf(other)).toBe(before);
  });
});
