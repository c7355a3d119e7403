/**
 * Contact Center queues as the GoTo articles describe them, over the socket (finding 4 and 5 of
 * the contact-center issue, and the queues' own life): only a Contact Center license holder joins a
 * queue; removing the license from a queue member warns that billing continues, or takes the user
 * out of every queue in the same request; licensing answers why a user is billable and since when,
 * and the billing ledger agrees; queues are read, renamed and deleted, a deletion stopping billing
 * for whoever loses their last queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  BillableReasonKind,
  BillingBasis,
  LicensingService,
  QueueKind,
  QueueRole,
  type DecisionSummary,
  type GetBillableStateResponse,
} from '@acme/contracts';
import { ledgerHoldings } from '@acme/billing';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';

const GOTO = 'acct_demo_goto';
const MANAGER = 'usr_demo_goto_manager'; // holds GoTo Meeting only
const AGENT = 'usr_demo_goto_agent'; // holds Connect and Contact Center
const CC = 'goto_contact_center';
const JOIN_RULE = 'contact-center.joining-a-queue-requires-contact-center';
const START_RULE = 'contact-center.billing-starts-with-first-queue';
const CONTINUES_RULE = 'contact-center.billing-continues-after-contact-center-removal';

let demo: TestStack;
let admin: PromiseClient<(typeof LicensingService)['method']>;
let licensingService: PromiseClient<(typeof LicensingService)['method']>;

beforeAll(async () => {
  demo = await startTestStack('contact-center-queues');
  admin = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
  // A back-office service may remove licenses (licenses:write) but manages no queues.
  const serviceToken = await demo.sign({ subject: 'svc:hr-sync', kind: 'service', scopes: ['licenses:write'] });
  licensingService = createClient(LicensingService, demo.stack.address, { token: serviceToken });
});

afterAll(async () => {
  admin?.close();
  licensingService?.close();
  await demo?.stop();
});

const refusal = async (call: Promise<unknown>) => decodeGrpcError(await call.then(() => null).catch((e) => e));
const as = (requestId: string) => ({ metadata: { 'x-request-id': requestId } });
const ms = (t: Timestamp | undefined) => timestampDate(t!).getTime();
const effects = (d: DecisionSummary | undefined, type: string) => (d?.effects ?? []).filter((e) => e.type === type);
const ccOf = (state: GetBillableStateResponse) => state.products.find((p) => p.productId === CC);
const billable = (userId: string) => admin.getBillableState({ userId });
const queuesOf = async (userId: string) =>
  (await admin.listQueues({ memberUserId: userId })).queues.map((q) => q.id).sort();

/** Waits until the ledger bills exactly these users for Contact Center; answers their interval starts. */
async function ledgerBillsContactCenterFor(userIds: string[]) {
  const members = async () =>
    ledgerHoldings(await demo.stack.billing.ledger.entries(GOTO), new Date(Date.now() + 60_000))
      .contactCenterMembers.map((m) => m.userId)
      .sort();
  await eventually(async () => JSON.stringify(await members()) === JSON.stringify([...userIds].sort()), {
    what: `the ledger billing Contact Center for [${userIds.join(', ')}]`,
  });
  const entries = await demo.stack.billing.ledger.entries(GOTO);
  return (userId: string) =>
    entries
      .filter((e) => e.kind === 'cc_billing_started' && e.userId === userId)
      .map((e) => e.effectiveAt.getTime())
      .at(-1);
}

describe('Contact Center queues over the socket', () => {
  let callQueue: string;
  let queues: string[];

  it('4a. a user without a Contact Center license does not join a queue, and is not billed', async () => {
    callQueue = (await admin.createQueue({ kind: QueueKind.CALL, name: 'Support line' })).queue!.id;
    const error = await refusal(admin.addQueueMember({ queueId: callQueue, userId: MANAGER, role: QueueRole.AGENT }));
    expect(error.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(error.errorInfo?.reason).toBe('POLICY_DENIED');
    expect(error.preconditionFailure?.violations.map((v) => v.type)).toEqual([JOIN_RULE]);
    expect(error.message).toContain(`${MANAGER} holds no ${CC} license`);
    expect(await queuesOf(MANAGER)).toEqual([]);
    expect(ccOf(await billable(MANAGER))).toBeUndefined();
  });

  it('5. with the license, the first queue starts billing: licensing says since when, by which rule and request; the ledger agrees', async () => {
    await admin.assignLicenses({ userId: MANAGER, products: [{ productId: CC }] });
    const licensed = ccOf(await billable(MANAGER));
    // Contact Center is charged per queue member: the license alone is listed, not billed.
    expect(licensed).toMatchObject({ billable: false, billingBasis: BillingBasis.CONTACT_CENTER_MEMBER });
    expect(licensed!.reasons.map((r) => r.kind)).toEqual([BillableReasonKind.LICENSE_HELD]);

    const joined = await admin.addQueueMember(
      { queueId: callQueue, userId: MANAGER, role: QueueRole.AGENT },
      as('req-cc-first-queue'),
    );
    expect(effects(joined.decision, 'billing_start').map((e) => e.ruleId)).toEqual([START_RULE]);
    queues = [callQueue];
    for (const [kind, role] of [
      [QueueKind.INBOUND, QueueRole.SUPERVISOR],
      [QueueKind.OUTBOUND, QueueRole.AGENT],
      [QueueKind.CALL, QueueRole.SUPERVISOR],
    ] as const) {
      const queue = (await admin.createQueue({ kind, name: `Line ${queues.length}` })).queue!.id;
      const more = await admin.addQueueMember({ queueId: queue, userId: MANAGER, role });
      expect(effects(more.decision, 'billing_start')).toEqual([]);
      queues.push(queue);
    }

    const cc = ccOf(await billable(MANAGER))!;
    expect(cc).toMatchObject({ billable: true, ruleIds: [START_RULE], causationId: 'req-cc-first-queue' });
    expect(cc.reasons[0]?.kind).toBe(BillableReasonKind.LICENSE_HELD);
    const memberships = (r: GetBillableStateResponse['products'][number]['reasons']) =>
      r
        .filter((x) => x.kind === BillableReasonKind.QUEUE_MEMBERSHIP)
        .map((x) => `${x.queueId} ${QueueKind[x.queueKind]} ${QueueRole[x.queueRole]}`)
        .sort();
    expect(memberships(cc.reasons)).toEqual(
      [
        `${queues[0]} CALL AGENT`,
        `${queues[1]} INBOUND SUPERVISOR`,
        `${queues[2]} OUTBOUND AGENT`,
        `${queues[3]} CALL SUPERVISOR`,
      ].sort(),
    );
    // The audit entry of the first join carries the same request id, and is found by it.
    const audit = await admin.listAuditEvents({ causationId: 'req-cc-first-queue' });
    expect(audit.events.map((e) => [e.action, e.resourceId])).toEqual([['queue.member_added', callQueue]]);
    // The ledger bills the same user from the same instant.
    const startOf = await ledgerBillsContactCenterFor([MANAGER]);
    expect(startOf(MANAGER)).toBe(ms(cc.since));
  });

  it('4b. removing the Contact Center license from a user in four queues warns, and billing continues', async () => {
    const before = ccOf(await billable(MANAGER))!;
    const removed = await admin.unassignLicenses({ userId: MANAGER, productIds: [CC] });
    expect(removed.decision?.warnings.map((w) => w.ruleId)).toEqual([CONTINUES_RULE]);
    expect(removed.decision?.warnings[0]?.message).toContain(`${MANAGER} is still in 4 contact-center queue(s)`);
    expect(removed.removedFromQueueIds).toEqual([]);
    const after = ccOf(await billable(MANAGER))!;
    expect(after).toMatchObject({ billable: true, since: before.since, ruleIds: [START_RULE] });
    expect(after.reasons.map((r) => r.kind)).toEqual(Array(4).fill(BillableReasonKind.QUEUE_MEMBERSHIP));
    await ledgerBillsContactCenterFor([MANAGER]);
  });

  it('4c. remove_from_all_queues needs the right to manage queues too: a service that only removes licenses is refused, nothing changes', async () => {
    await admin.assignLicenses({ userId: MANAGER, products: [{ productId: CC }] });
    const error = await refusal(
      licensingService.unassignLicenses({
        accountId: GOTO,
        userId: MANAGER,
        productIds: [CC],
        removeFromAllQueues: true,
      }),
    );
    expect(error.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(error.preconditionFailure?.violations.map((v) => v.type)).toEqual(['who-may-act.manage-queues']);
    expect(await queuesOf(MANAGER)).toEqual([...queues].sort());
    expect(ccOf(await billable(MANAGER))?.reasons[0]?.kind).toBe(BillableReasonKind.LICENSE_HELD);
  });

  it('4d. with remove_from_all_queues the license and every queue go in one request: no warning, billing stops', async () => {
    const dryRun = await admin.unassignLicenses({
      userId: MANAGER,
      productIds: [CC],
      removeFromAllQueues: true,
      validateOnly: true,
    });
    expect(dryRun.removedFromQueueIds.sort()).toEqual([...queues].sort());
    expect(await queuesOf(MANAGER)).toEqual([...queues].sort());

    const removed = await admin.unassignLicenses({ userId: MANAGER, productIds: [CC], removeFromAllQueues: true });
    expect(removed.decision?.warnings).toEqual([]);
    expect(removed.removedFromQueueIds.sort()).toEqual([...queues].sort());
    expect(effects(removed.decision, 'billing_stop').flatMap((e) => e.userIds)).toEqual([MANAGER]);
    expect(await queuesOf(MANAGER)).toEqual([]);
    expect(ccOf(await billable(MANAGER))).toBeUndefined();
    await ledgerBillsContactCenterFor([]);
  });

  it('queues are read and renamed; a name is unique per kind; an unknown queue is NOT_FOUND', async () => {
    const read = await admin.getQueue({ queueId: callQueue });
    expect(read.queue).toMatchObject({ id: callQueue, name: 'Support line', kind: QueueKind.CALL, members: [] });
    const renamed = await admin.renameQueue({ queueId: callQueue, name: 'Tier 1' }, as('req-cc-rename'));
    expect(renamed.queue?.name).toBe('Tier 1');
    expect((await admin.getQueue({ queueId: callQueue })).queue?.name).toBe('Tier 1');
    const audit = await admin.listAuditEvents({ resourceId: callQueue });
    expect(audit.events.find((e) => e.action === 'queue.renamed')).toMatchObject({ causationId: 'req-cc-rename' });
    const taken = await refusal(admin.renameQueue({ queueId: callQueue, name: 'Line 3' }));
    expect(taken.code).toBe(GrpcStatus.ALREADY_EXISTS);
    // The same name on another kind is free.
    expect((await admin.renameQueue({ queueId: queues[1]!, name: 'Tier 1' })).queue?.name).toBe('Tier 1');
    expect((await refusal(admin.getQueue({ queueId: 'q_missing' }))).code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('deleting a queue removes each member as RemoveQueueMember would: billing stops only for whoever loses their last queue', async () => {
    await admin.assignLicenses({ userId: MANAGER, products: [{ productId: CC }] });
    await admin.addQueueMember({ queueId: callQueue, userId: MANAGER, role: QueueRole.AGENT });
    await admin.addQueueMember({ queueId: callQueue, userId: AGENT, role: QueueRole.SUPERVISOR });
    await admin.addQueueMember({ queueId: queues[2]!, userId: AGENT, role: QueueRole.AGENT });
    await ledgerBillsContactCenterFor([MANAGER, AGENT]);

    const dryRun = await admin.deleteQueue({ queueId: callQueue, validateOnly: true });
    expect(effects(dryRun.decision, 'billing_stop').flatMap((e) => e.userIds)).toEqual([MANAGER]);
    expect((await admin.getQueue({ queueId: callQueue })).queue?.members).toHaveLength(2);

    const deleted = await admin.deleteQueue({ queueId: callQueue });
    expect(deleted.queue?.members.map((m) => m.userId).sort()).toEqual([AGENT, MANAGER].sort());
    expect(effects(deleted.decision, 'billing_stop').flatMap((e) => e.userIds)).toEqual([MANAGER]);
    expect((await refusal(admin.getQueue({ queueId: callQueue }))).code).toBe(GrpcStatus.NOT_FOUND);
    expect(ccOf(await billable(MANAGER))).toMatchObject({ billable: false });
    expect(ccOf(await billable(AGENT))).toMatchObject({ billable: true });
    await ledgerBillsContactCenterFor([AGENT]);
    const audit = await admin.listAuditEvents({ resourceId: callQueue });
    expect(audit.events.map((e) => e.action).sort()).toEqual(
      expect.arrayContaining(['queue.deleted', 'queue.member_removed', 'queue.member_removed']),
    );
  });
});
