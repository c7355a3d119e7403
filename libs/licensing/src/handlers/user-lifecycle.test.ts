/**
 * A user's life on libsql and PostgreSQL (where the first reads of a mutation come from one
 * prefetch): deactivation frees every seat and every queue in one transaction and stops sign-in,
 * a deactivated user holds nothing new, reactivation and deletion follow the rules.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddQueueMemberRequestSchema,
  AssignLicensesRequestSchema,
  CreateQueueRequestSchema,
  DeactivateUserRequestSchema,
  DeleteUserRequestSchema,
  QueueKind,
  QueueRole,
  ReactivateUserRequestSchema,
  UpdateUserRequestSchema,
  UserState,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createQueueHandlers } from './queue-handlers.js';
import { createUserLifecycleHandlers } from './user-lifecycle-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const AGENT = 'usr_demo_goto_agent';
const MANAGER = 'usr_demo_goto_manager';
const admin = caller();

describe.each(DRIVERS)('user lifecycle on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let users: ReturnType<typeof createUserLifecycleHandlers>;
  let queues: ReturnType<typeof createQueueHandlers>;
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  const seats = async () =>
    Object.fromEntries((await db.accounts.seatUsage(ACCOUNT)).map((u) => [u.productId, u.assigned]));
  const outbox = async () =>
    (await db.outbox.list(ACCOUNT)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload).payload.case);

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'ulife'));
    const deps = { db, rules: () => rules, now: () => new Date('2026-11-24T09:00:00Z') };
    users = createUserLifecycleHandlers(deps, db);
    queues = createQueueHandlers(deps);
    assignments = createAssignmentHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('deactivation frees every seat and queue at once, stops billing and sign-in', async () => {
    const { queue } = await queues.createQueue(
      create(CreateQueueRequestSchema, { kind: QueueKind.CALL, name: 'Front' }),
      callContext(admin),
    );
    await queues.addQueueMember(
      create(AddQueueMemberRequestSchema, { queueId: queue!.id, userId: AGENT, role: QueueRole.AGENT }),
      callContext(admin),
    );
    const before = await seats();
    const seen = (await outbox()).length;

    const dryRun = await users.deactivateUser(
      create(DeactivateUserRequestSchema, { userId: AGENT, validateOnly: true }),
      callContext(admin),
    );
    expect(dryRun.removedFromQueueIds).toEqual([queue!.id]);
    expect(await seats()).toEqual(before);

    const done = await users.deactivateUser(create(DeactivateUserRequestSchema, { userId: AGENT }), callContext(admin));
    expect(done.user?.state).toBe(UserState.DEACTIVATED);
    expect(done.removedAssignments!.map((a) => a.productId).sort()).toEqual([
      'goto_connect_standard',
      'goto_contact_center',
    ]);
    const after = await seats();
    expect(after.goto_connect_standard).toBe(before.goto_connect_standard! - 1);
    expect(after.goto_contact_center).toBe(before.goto_contact_center! - 1);
    expect(await db.queues.list(ACCOUNT, { memberUserId: AGENT })).toEqual([]);
    expect((await db.users.billableState(ACCOUNT, AGENT))?.contactCenter).toBeNull();
    expect((await outbox()).slice(seen).sort()).toEqual(
      ['configurationRetained', 'contactCenterBillingStopped', 'licenseUnassigned', 'licenseUnassigned'].sort(),
    );
    expect(await db.users.grants(ACCOUNT, AGENT)).toBeNull();
    expect((await db.users.get(ACCOUNT, AGENT))?.deactivatedAt).toBeInstanceOf(Date);

    const assign = await refusal(
      assignments.assignLicenses(
        create(AssignLicensesRequestSchema, { userId: AGENT, products: [{ productId: 'goto_meeting' }] }),
        callContext(admin),
      ),
    );
    expect(assign).toMatchObject({ type: 'failed_precondition', reason: 'CONFLICT' });
    const twice = await refusal(
      users.deactivateUser(create(DeactivateUserRequestSchema, { userId: AGENT }), callContext(admin)),
    );
    expect(twice).toMatchObject({ type: 'failed_precondition', reason: 'CONFLICT' });
  });

  it.skipIf(skip)('reactivation lets them sign in again, holding nothing', async () => {
    const back = await users.reactivateUser(create(ReactivateUserRequestSchema, { userId: AGENT }), callContext(admin));
    expect(back.user?.state).toBe(UserState.ACTIVE);
    expect(await db.users.grants(ACCOUNT, AGENT)).toEqual({ roles: ['member'], permissions: [] });
    expect((await db.assignments.list(ACCOUNT, { userId: AGENT }, { pageSize: 10 })).assignments).toEqual([]);
  });

  it.skipIf(skip)('nobody grants more than they have, nor deactivates themself', async () => {
    const anAdmin = caller({ subject: 'usr_other_admin', roles: ['admin'] });
    const grant = await refusal(
      users.updateUser(
        create(UpdateUserRequestSchema, { userId: MANAGER, roles: ['super_admin'], updateMask: { paths: ['roles'] } }),
        callContext(anAdmin),
      ),
    );
    expect(grant.ruleViolations.map((v) => v.type)).toEqual(['user-admin.no-escalation']);
    expect((await db.users.get(ACCOUNT, MANAGER))?.roles).toEqual(['member']);
    const self = await refusal(
      users.deactivateUser(create(DeactivateUserRequestSchema, { userId: 'usr_demo_goto_admin' }), callContext(admin)),
    );
    expect(self.ruleViolations.map((v) => v.type)).toEqual(['user-admin.not-oneself']);
    const renamed = await users.updateUser(
      create(UpdateUserRequestSchema, {
        userId: MANAGER,
        displayName: 'Mia Manager',
        roles: ['admin'],
        updateMask: { paths: ['display_name', 'roles'] },
      }),
      callContext(anAdmin),
    );
    expect(renamed.user).toMatchObject({ displayName: 'Mia Manager', roles: ['admin'] });
    const [entry] = (await db.audit.list(ACCOUNT, { resourceId: MANAGER }, { pageSize: 1 })).events;
    expect(entry).toMatchObject({ action: 'user.updated', after: { displayName: 'Mia Manager', roles: ['admin'] } });
  });

  it.skipIf(skip)('only a deactivated user is deleted; the audit trail stays', async () => {
    const active = await refusal(
      users.deleteUser(create(DeleteUserRequestSchema, { userId: MANAGER }), callContext(admin)),
    );
    expect(active).toMatchObject({ type: 'failed_precondition', reason: 'CONFLICT' });
    await users.deactivateUser(create(DeactivateUserRequestSchema, { userId: MANAGER }), callContext(admin));
    await users.deleteUser(create(DeleteUserRequestSchema, { userId: MANAGER }), callContext(admin));
    expect(await db.users.get(ACCOUNT, MANAGER)).toBeNull();
    const trail = (await db.audit.list(ACCOUNT, { resourceId: MANAGER }, { pageSize: 50 })).events.map((e) => e.action);
    expect(trail).toEqual(expect.arrayContaining(['user.deleted', 'user.deactivated', 'user.updated']));
  });
});
