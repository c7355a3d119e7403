/**
 * BulkAssignLicenses and BulkUnassignLicenses on libsql and PostgreSQL: best effort answers each
 * refused user with the refusal a single call would give and changes the others; all or nothing
 * changes nobody and names every refused user; seat limits hold exactly, also between concurrent
 * bulk calls; every user's change is audited under the call's request id.
 */
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssignLicensesRequestSchema,
  BulkAssignLicensesRequestSchema,
  BulkMode,
  BulkUnassignLicensesRequestSchema,
  CreateUserRequestSchema,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createBulkHandlers } from './bulk-handlers.js';
import { createUserHandlers } from './user-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const CC = 'goto_contact_center'; // 5 purchased, 1 held (the agent) in the demo account
const AGENT = 'usr_demo_goto_agent';

describe.each(DRIVERS)('bulk license changes on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let bulk: ReturnType<typeof createBulkHandlers>;
  let users: ReturnType<typeof createUserHandlers>;
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  const ccUsage = async () => (await db.accounts.seatUsage(ACCOUNT)).find((u) => u.productId === CC)!;
  const holders = async () =>
    (await db.assignments.list(ACCOUNT, { productId: CC }, { pageSize: 500 })).assignments.map((a) => a.userId).sort();
  const newUsers = async (prefix: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { user } = await users.createUser(
        create(CreateUserRequestSchema, {
          email: `${prefix}${i}.${driver}@demo-goto.test`,
          displayName: `${prefix} ${i}`,
        }),
        callContext(),
      );
      ids.push(user!.id!);
    }
    return ids;
  };
  const assignCc = (userIds: string[], mode: BulkMode, validateOnly = false) =>
    bulk.bulkAssignLicenses(
      create(BulkAssignLicensesRequestSchema, { userIds, products: [{ productId: CC }], mode, validateOnly }),
      callContext(),
    );
  const unassignCc = (userIds: string[], mode: BulkMode) =>
    bulk.bulkUnassignLicenses(
      create(BulkUnassignLicensesRequestSchema, { userIds, productIds: [CC], mode }),
      callContext(),
    );

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'bulk'));
    const deps = { db, rules: () => rules, now: () => new Date('2026-11-24T09:00:00Z') };
    bulk = createBulkHandlers(deps);
    users = createUserHandlers(deps);
    assignments = createAssignmentHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('all or nothing: one refused user refuses the call and changes nobody', async () => {
    const fresh = await newUsers('aon', 2);
    const before = { usage: await ccUsage(), holders: await holders() };
    const refused = await refusal(assignCc([fresh[0]!, AGENT, 'usr_nobody', fresh[1]!], BulkMode.ALL_OR_NOTHING));
    expect(refused).toMatchObject({ type: 'failed_precondition', reason: 'BULK_REFUSED' });
    expect(refused.fieldViolations.map((v) => v.field)).toEqual(['user_ids[1]', 'user_ids[2]']);
    expect(refused.fieldViolations[0]!.description).toContain(`${AGENT} already holds ${CC}`);
    expect(refused.fieldViolations[1]!.description).toContain('usr_nobody');
    expect({ usage: await ccUsage(), holders: await holders() }).toEqual(before);
  });

  it.skipIf(skip)('best effort: the others are changed, each refused user gets its own status', async () => {
    const fresh = await newUsers('be', 6); // 4 free seats for 6 users
    const requestId = 'req-bulk-best-effort';
    const response = await bulk.bulkAssignLicenses(
      create(BulkAssignLicensesRequestSchema, {
        userIds: [AGENT, ...fresh],
        products: [{ productId: CC }],
        mode: BulkMode.BEST_EFFORT,
      }),
      { ...callContext(), requestId },
    );
    expect(response.outcomes!.map((o) => [o.userId, o.applied])).toEqual([
      [AGENT, false],
      ...fresh.map((id, i) => [id, i < 4]),
    ]);
    expect(response.appliedCount).toBe(4);
    // The statuses a single AssignLicenses would have answered: already held; no seat left (a rule).
    expect(response.outcomes![0]!.error).toMatchObject({ code: 3 }); // INVALID_ARGUMENT
    for (const o of response.outcomes!.slice(5)) {
      expect(o.error?.code).toBe(8); // RESOURCE_EXHAUSTED: the seat-limit rule refuses
      expect(o.error?.message).toMatch(/seat/);
    }
    expect((await ccUsage()).assigned).toBe(5);
    expect(await holders()).toEqual([AGENT, ...fresh.slice(0, 4)].sort());
    // One audit entry per user change, each under the call's request id.
    const audit = (await db.audit.list(ACCOUNT, { causationId: requestId }, { pageSize: 50 })).events;
    expect(audit.map((e) => e.action)).toEqual(Array(4).fill('license.assigned'));
    expect(audit.map((e) => e.after?.userId).sort()).toEqual(fresh.slice(0, 4).sort());

    // And back: best effort removal, one user holding nothing.
    const removed = await unassignCc([fresh[0]!, fresh[5]!, fresh[1]!], BulkMode.BEST_EFFORT);
    expect(removed.outcomes!.map((o) => o.applied)).toEqual([true, false, true]);
    expect(removed.outcomes![1]!.error?.message).toContain(`does not hold ${CC}`);
    expect((await ccUsage()).assigned).toBe(3);
  });

  it.skipIf(skip)('a dry run answers every outcome and changes nothing', async () => {
    const fresh = await newUsers('dry', 3);
    const before = await ccUsage();
    const response = await assignCc(fresh, BulkMode.BEST_EFFORT, true);
    // The third sees the seats the first two would take.
    expect(response.outcomes!.map((o) => o.applied)).toEqual([true, true, false]);
    expect(response.outcomes![2]!.error?.message).toContain('0 of 5 available');
    expect(await ccUsage()).toEqual(before);
  });

  it.skipIf(skip)('concurrent bulk calls never assign more seats than were purchased', async () => {
    const usage = await ccUsage();
    const free = usage.purchased - usage.assigned;
    const [a, b] = [await newUsers('race-a', free + 1), await newUsers('race-b', free + 1)];
    const responses = await Promise.all([assignCc(a, BulkMode.BEST_EFFORT), assignCc(b, BulkMode.BEST_EFFORT)]);
    const applied = responses.reduce((sum, r) => sum + (r.appliedCount ?? 0), 0);
    expect(applied).toBe(free);
    const after = await ccUsage();
    expect(after.assigned).toBe(after.purchased);
    expect((await holders()).length).toBe(after.purchased);
  });

  it.skipIf(skip)('on the last seats, racing single assigns: exact limits, all or nothing stays whole', async () => {
    // Free every Contact Center seat but the agent's, then race for them.
    const held = (await holders()).filter((id) => id !== AGENT);
    if (held.length > 0) await unassignCc(held, BulkMode.ALL_OR_NOTHING);
    const usage = await ccUsage();
    const free = usage.purchased - usage.assigned;
    const [bestEffort, whole, singles] = [
      await newUsers('last-be', free),
      await newUsers('last-aon', 2),
      await newUsers('last-one', free),
    ];
    const single = (userId: string) =>
      assignments
        .assignLicenses(create(AssignLicensesRequestSchema, { userId, products: [{ productId: CC }] }), callContext())
        .then(
          () => 1,
          () => 0,
        );
    const [be, aon, ...ones] = await Promise.all([
      assignCc(bestEffort, BulkMode.BEST_EFFORT),
      assignCc(whole, BulkMode.ALL_OR_NOTHING).then(
        (r) => r.appliedCount ?? 0,
        () => 0,
      ),
      ...singles.map(single),
    ]);
    const granted = (be.appliedCount ?? 0) + aon + ones.reduce((sum, n) => sum + n, 0);
    expect(granted).toBe(free);
    expect(aon === 0 || aon === 2).toBe(true);
    const after = await ccUsage();
    expect(after.assigned).toBe(after.purchased);
    expect((await holders()).length).toBe(after.purchased);
  });

  it.skipIf(skip)('refuses more than 1,000 users, duplicates and an unknown mode', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `usr_${i}`);
    const tooMany = await refusal(assignCc(many, BulkMode.BEST_EFFORT));
    expect(tooMany.fieldViolations.map((v) => v.field)).toEqual(['user_ids']);
    const twice = await refusal(assignCc([AGENT, AGENT], 7 as BulkMode));
    expect(twice.fieldViolations.map((v) => v.field)).toEqual(['user_ids[1]', 'mode']);
  });
});
