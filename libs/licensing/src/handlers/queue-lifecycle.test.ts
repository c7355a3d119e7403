/**
 * A queue's life on libsql and PostgreSQL: renamed (audited, unique per kind), deleted (each member
 * leaves as RemoveQueueMember would, so billing stops for whom it was the last queue), a license
 * removed together with every queue, and the billing start recorded as the event says.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddQueueMemberRequestSchema,
  AssignLicensesRequestSchema,
  CreateQueueRequestSchema,
  DeleteQueueRequestSchema,
  QueueKind,
  QueueRole,
  RenameQueueRequestSchema,
  UnassignLicensesRequestSchema,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { loadRuleSet } from '@acme/rules';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createQueueHandlers } from './queue-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const AGENT = 'usr_demo_goto_agent';
const MANAGER = 'usr_demo_goto_manager';
const CC = 'goto_contact_center';
const admin = caller();
const member = caller({ subject: AGENT, roles: ['member'] });
/** May remove licenses (licenses:write) but not manage queues: no role, no manage_users. */
const licenseService = caller({ subject: 'svc:provisioning', kind: 'service', roles: [], scopes: ['licenses:write'] });

describe.each(DRIVERS)('queue lifecycle on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let clock = new Date('2026-11-23T10:00:00Z');
  let queues: ReturnType<typeof createQueueHandlers>;
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  const outbox = async () =>
    (await db.outbox.list(ACCOUNT)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload));
  const audit = async (resourceId: string) => (await db.audit.list(ACCOUNT, { resourceId })).events;
  const billing = async (userId: string) => (await db.users.billableState(ACCOUNT, userId))!.contactCenter;
  const queueIdsOf = async (userId: string) =>
    (await db.queues.list(ACCOUNT, { memberUserId: userId })).map((q) => q.id).sort();
  const newQueue = async (kind: QueueKind, name: string) =>
    (await queues.createQueue(create(CreateQueueRequestSchema, { kind, name }), callContext(admin))).queue!.id!;
  const join = (queueId: string, userId: string, context = callContext(admin)) =>
    queues.addQueueMember(create(AddQueueMemberRequestSchema, { queueId, userId, role: QueueRole.AGENT }), context);
  const rename = (queueId: string, name: string, validateOnly = false) =>
    queues.renameQueue(create(RenameQueueRequestSchema, { queueId, name, validateOnly }), callContext(admin));

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'qlife'));
    const deps = { db, rules: () => rules, now: () => clock };
    queues = createQueueHandlers(deps);
    assignments = createAssignmentHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('the first queue starts billing; the record has the event’s time, rules and causation', async () => {
    clock = new Date('2026-11-24T08:30:00Z');
    expect(await billing(AGENT)).toBeNull();
    const queueId = await newQueue(QueueKind.CALL, 'First line');
    const seen = (await outbox()).length;
    const context = callContext(admin);
    await join(queueId, AGENT, context);

    const added = (await outbox()).slice(seen);
    expect(added.map((e) => e.payload.case)).toEqual(['contactCenterBillingStarted']);
    const started = added[0]!.payload;
    if (started.case !== 'contactCenterBillingStarted') throw new Error('unreachable');
    expect(started.value).toMatchObject({ userId: AGENT, queueId, productId: CC });
    expect(started.value.ruleIds).toEqual(['contact-center.billing-starts-with-first-queue']);
    expect(added[0]!.causationId).toBe(context.requestId);

    const record = await billing(AGENT);
    expect(record).toMatchObject({
      productId: CC,
      ruleIds: ['contact-center.billing-starts-with-first-queue'],
      causationId: context.requestId,
    });
    expect(record!.since.toISOString()).toBe(timestampDate(started.value.effectiveTime!).toISOString());
    expect(record!.since.toISOString()).toBe(clock.toISOString());
  });

  it.skipIf(skip)(
    'renames a queue, audited; a taken name, the same name and validate_only change nothing',
    async () => {
      const alpha = await newQueue(QueueKind.CALL, 'Alpha');
      await newQueue(QueueKind.CALL, 'Beta');
      await newQueue(QueueKind.INBOUND, 'Gamma');

      const renamed = await rename(alpha, '  Alpha two ');
      expect(renamed.queue).toMatchObject({ id: alpha, name: 'Alpha two' });
      expect((await db.queues.get(ACCOUNT, alpha))?.name).toBe('Alpha two');
      const entries = (await audit(alpha)).filter((e) => e.action === 'queue.renamed');
      expect(entries).toMatchObject([{ before: { name: 'Alpha' }, after: { name: 'Alpha two' } }]);

      const taken = await refusal(rename(alpha, 'Beta'));
      expect(taken).toMatchObject({ type: 'already_exists', reason: 'ALREADY_EXISTS' });
      expect((await db.queues.get(ACCOUNT, alpha))?.name).toBe('Alpha two');

      const auditBefore = (await audit(alpha)).length;
      const same = await rename(alpha, 'Alpha two');
      expect(same.queue?.name).toBe('Alpha two');
      expect(await audit(alpha)).toHaveLength(auditBefore);

      const dryRun = await rename(alpha, 'Alpha three', true);
      expect(dryRun.decision?.validateOnly).toBe(true);
      expect((await db.queues.get(ACCOUNT, alpha))?.name).toBe('Alpha two');
      expect(await audit(alpha)).toHaveLength(auditBefore);

      // Unique per kind only: an inbound queue's name is free for a call queue.
      await rename(alpha, 'Gamma');
      expect((await db.queues.get(ACCOUNT, alpha))?.name).toBe('Gamma');
      expect(await audit(alpha)).toHaveLength(auditBefore + 1);
    },
  );

  it.skipIf(skip)('deleting a queue stops billing only for whom it was the last queue', async () => {
    await assignments.assignLicenses(
      create(AssignLicensesRequestSchema, { userId: MANAGER, products: [{ productId: CC }] }),
      callContext(admin),
    );
    const doomed = await newQueue(QueueKind.INBOUND, 'Doomed');
    const other = await newQueue(QueueKind.OUTBOUND, 'Stays');
    await join(doomed, AGENT);
    await join(other, AGENT);
    await join(doomed, MANAGER);
    expect(await billing(MANAGER)).not.toBeNull();
    const agentQueues = await queueIdsOf(AGENT);
    const del = (validateOnly: boolean) =>
      queues.deleteQueue(create(DeleteQueueRequestSchema, { queueId: doomed, validateOnly }), callContext(admin));

    const seen = (await outbox()).length;
    const audited = (await audit(doomed)).length;
    const dryRun = await del(true);
    expect(dryRun.decision?.effects?.map((e) => e.type)).toEqual(['billing_stop']);
    expect((await db.queues.get(ACCOUNT, doomed))?.members.map((m) => m.userId).sort()).toEqual([AGENT, MANAGER]);
    expect(await outbox()).toHaveLength(seen);
    expect(await audit(doomed)).toHaveLength(audited);
    expect(await billing(MANAGER)).not.toBeNull();

    const deleted = await del(false);
    expect(deleted.queue?.id).toBe(doomed);
    const added = (await outbox()).slice(seen);
    expect(added.map((e) => e.payload.case)).toEqual(['contactCenterBillingStopped']);
    expect(added[0]!.payload.value).toMatchObject({ userId: MANAGER, productId: CC });
    expect((added[0]!.payload.value as { ruleIds: string[] }).ruleIds).toContain(
      'contact-center.billing-stops-with-last-queue',
    );
    expect(await db.queues.get(ACCOUNT, doomed)).toBeNull();
    expect(await queueIdsOf(MANAGER)).toEqual([]);
    expect(await queueIdsOf(AGENT)).toEqual(agentQueues.filter((id) => id !== doomed));
    expect(await audit(doomed)).toHaveLength(audited + 3);
    const removals = (await audit(doomed)).filter(
      (e) => e.action !== 'queue.created' && e.action !== 'queue.member_added',
    );
    expect(removals.map((e) => e.action).sort()).toEqual([
      'queue.deleted',
      'queue.member_removed',
      'queue.member_removed',
    ]);
    expect(await billing(MANAGER)).toBeNull();
    expect(await billing(AGENT)).not.toBeNull();
    expect((await db.users.billableState(ACCOUNT, MANAGER))!.memberships).toEqual([]);
  });

  it.skipIf(skip)('removes the license and every queue in one call, by those allowed to do both', async () => {
    await join(await newQueue(QueueKind.CALL, 'Leaving call'), AGENT);
    await join(await newQueue(QueueKind.OUTBOUND, 'Leaving outbound'), AGENT);
    const agentQueues = await queueIdsOf(AGENT);
    expect(agentQueues.length).toBeGreaterThanOrEqual(2);
    const seen = (await outbox()).length;
    const unassign = (removeFromAllQueues: boolean, context = callContext(admin), validateOnly = false) =>
      assignments.unassignLicenses(
        create(UnassignLicensesRequestSchema, { userId: AGENT, productIds: [CC], removeFromAllQueues, validateOnly }),
        context,
      );
    const unchanged = async () => {
      expect(await queueIdsOf(AGENT)).toEqual(agentQueues);
      expect((await db.users.billableState(ACCOUNT, AGENT))!.licenses.map((l) => l.productId)).toContain(CC);
      expect(await billing(AGENT)).not.toBeNull();
      expect(await outbox()).toHaveLength(seen);
    };

    const byMember = await refusal(unassign(true, callContext(member)));
    expect(byMember.ruleViolations.map((v) => v.type)).toEqual(['who-may-act.assign-and-unassign']);
    await unchanged();
    // May remove licenses, may not manage queues: refused at queue_membership, the license stays too.
    const byService = await refusal(unassign(true, callContext(licenseService)));
    expect(byService.ruleViolations.map((v) => v.type)).toEqual(['who-may-act.manage-queues']);
    await unchanged();

    const CONTINUES = 'contact-center.billing-continues-after-contact-center-removal';
    const withoutFlag = await unassign(false, callContext(admin), true);
    expect(withoutFlag.decision!.warnings!.map((w) => w.ruleId)).toContain(CONTINUES);
    await unchanged();

    const removed = await unassign(true);
    expect(removed.results?.map((r) => r.productId)).toEqual([CC]);
    expect([...removed.removedFromQueueIds!].sort()).toEqual(agentQueues);
    expect(removed.decision!.warnings!.map((w) => w.ruleId)).not.toContain(CONTINUES);
    expect(removed.decision?.effects?.filter((e) => e.type === 'billing_stop')).toMatchObject([{ userIds: [AGENT] }]);

    const state = (await db.users.billableState(ACCOUNT, AGENT))!;
    expect(state.licenses.map((l) => l.productId)).not.toContain(CC);
    expect(state.memberships).toEqual([]);
    expect(state.contactCenter).toBeNull();
    expect(await queueIdsOf(AGENT)).toEqual([]);
    const added = (await outbox()).slice(seen).map((e) => e.payload.case);
    expect(added.filter((c) => c === 'contactCenterBillingStopped')).toHaveLength(1);
    expect(added).toContain('licenseUnassigned');
  });
});
