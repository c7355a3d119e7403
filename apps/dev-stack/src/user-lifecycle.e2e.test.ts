/**
 * A user's life after CreateUser, over the socket: deactivation offboards in one request (every
 * license removed as UnassignLicenses would, GoTo Connect's phone configuration retained, every
 * queue left so Contact Center billing stops, no more sign-in, one request id on every audit
 * entry); reactivation lets the user back in holding nothing; the user-admin rules refuse
 * escalation; only a deactivated user is deleted, and their audit trail stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LicensingService,
  PhoneConfigurationState,
  QueueKind,
  QueueRole,
  UserState,
  type DecisionSummary,
} from '@acme/contracts';
import { ledgerHoldings } from '@acme/billing';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';

type Client = PromiseClient<(typeof LicensingService)['method']>;

const GOTO = 'acct_demo_goto';
const SUPER_ADMIN = 'usr_demo_goto_admin'; // super admin and owner; demo.stack.token
const AGENT = 'usr_demo_goto_agent'; // holds Connect and Contact Center
const CONNECT = 'goto_connect_standard';
const CC = 'goto_contact_center';

let demo: TestStack;
let admin: Client;
const clients: Client[] = [];

beforeAll(async () => {
  demo = await startTestStack('user-lifecycle');
  admin = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
});

afterAll(async () => {
  admin?.close();
  clients.forEach((c) => c.close());
  await demo?.stop();
});

const refusal = async (call: Promise<unknown>) => decodeGrpcError(await call.then(() => null).catch((e) => e));
const as = (requestId: string) => ({ metadata: { 'x-request-id': requestId } });
const effects = (d: DecisionSummary | undefined, type: string) => (d?.effects ?? []).filter((e) => e.type === type);
const violations = (error: Awaited<ReturnType<typeof refusal>>) =>
  error.preconditionFailure?.violations.map((v) => v.type);
/** A client acting as the demo GoTo account's user `userId`. */
const clientOf = async (userId: string) => {
  const client = createClient(LicensingService, demo.stack.address, {
    token: await demo.sign({ subject: userId, accountId: GOTO }),
  });
  clients.push(client);
  return client;
};
const assigned = async () =>
  Object.fromEntries(
    (await admin.getSeatUsage({ productIds: [CONNECT, CC] })).products.map((p) => [p.productId, p.assigned]),
  );
const userOf = async (userId: string) => (await admin.getUser({ userId })).user!;
const heldBy = async (userId: string) =>
  (await admin.listAssignments({ userId, pageSize: 500 })).assignments.map((a) => a.productId).sort();

/** Waits until the ledger agrees: Contact Center billed for the agent or not, and their open seats. */
async function ledgerShowsAgent(expected: { contactCenter: boolean; seats: string[] }) {
  const holdings = async () => {
    const h = ledgerHoldings(await demo.stack.billing.ledger.entries(GOTO), new Date(Date.now() + 60_000));
    return JSON.stringify({
      contactCenter: h.contactCenterMembers.some((m) => m.userId === AGENT),
      seats: [...h.openSeats.values()]
        .filter((s) => s.userId === AGENT)
        .map((s) => s.productId)
        .sort(),
    });
  };
  const want = JSON.stringify({ ...expected, seats: [...expected.seats].sort() });
  await eventually(async () => (await holdings()) === want, { what: `the ledger showing the agent as ${want}` });
}

describe('user lifecycle over the socket', () => {
  let agentClient: Client;
  let adminId: string;
  let asAdmin: Client;

  it('1. deactivating the agent offboards them in one request: licenses, queues, billing, sign-in', async () => {
    agentClient = await clientOf(AGENT);
    const queues: string[] = [];
    for (const [kind, role] of [
      [QueueKind.CALL, QueueRole.AGENT],
      [QueueKind.INBOUND, QueueRole.SUPERVISOR],
    ] as const) {
      const queue = (await admin.createQueue({ kind, name: `Offboarding ${queues.length}` })).queue!.id;
      await admin.addQueueMember({ queueId: queue, userId: AGENT, role });
      queues.push(queue);
    }
    // Before: the agent is billed for Contact Center and holds two seats, in licensing and the ledger.
    expect((await admin.getBillableState({ userId: AGENT })).products.find((p) => p.productId === CC)?.billable).toBe(
      true,
    );
    await ledgerShowsAgent({ contactCenter: true, seats: [CONNECT, CC] });
    expect((await agentClient.getAccount({})).account?.id).toBe(GOTO);
    const before = await assigned();

    const done = await admin.deactivateUser({ userId: AGENT }, as('req-offboard-1'));
    expect(done.removedAssignments.map((a) => a.productId).sort()).toEqual([CC, CONNECT].sort());
    expect(done.removedAssignments.every((a) => a.userId === AGENT)).toBe(true);
    expect([...done.removedFromQueueIds].sort()).toEqual([...queues].sort());
    expect(done.user).toMatchObject({ id: AGENT, state: UserState.DEACTIVATED });
    expect(effects(done.decision, 'configuration_retained').map((e) => e.productId)).toEqual([CONNECT]);

    expect(await assigned()).toEqual({ [CONNECT]: before[CONNECT]! - 1, [CC]: before[CC]! - 1 });
    expect(await heldBy(AGENT)).toEqual([]);
    expect((await admin.listQueues({ memberUserId: AGENT })).queues).toEqual([]);
    expect((await admin.getBillableState({ userId: AGENT })).products.filter((p) => p.billable)).toEqual([]);
    await ledgerShowsAgent({ contactCenter: false, seats: [] });

    const phone = (await admin.getPhoneConfiguration({ userId: AGENT })).configuration!;
    expect(phone.state).toBe(PhoneConfigurationState.RETAINED);
    expect(phone.purgeTime).toBeDefined();

    const user = await userOf(AGENT);
    expect(user.state).toBe(UserState.DEACTIVATED);
    expect(user.deactivateTime).toBeDefined();

    // Every audit entry of the change carries the request id.
    const audit = (await admin.listAuditEvents({ pageSize: 500 })).events.filter(
      (e) => e.causationId === 'req-offboard-1',
    );
    const actions = audit.map((e) => e.action).sort();
    expect(actions).toEqual(
      [
        'license.unassigned',
        'license.unassigned',
        'queue.member_removed',
        'queue.member_removed',
        'user.deactivated',
      ].sort(),
    );
    for (const resourceId of [AGENT, ...queues, ...done.removedAssignments.map((a) => a.id)]) {
      const events = (await admin.listAuditEvents({ resourceId })).events;
      expect(events.some((e) => e.causationId === 'req-offboard-1')).toBe(true);
    }

    const locked = await refusal(agentClient.getAccount({}));
    expect(locked.code).toBe(GrpcStatus.UNAUTHENTICATED);
    const assign = await refusal(admin.assignLicenses({ userId: AGENT, products: [{ productId: CONNECT }] }));
    expect(assign).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'CONFLICT' } });
    const join = await refusal(admin.addQueueMember({ queueId: queues[0]!, userId: AGENT, role: QueueRole.AGENT }));
    expect(join).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'CONFLICT' } });
    expect(await heldBy(AGENT)).toEqual([]);
  });

  it('2. reactivating lets the agent sign in again holding nothing; Connect within the window restores the phone', async () => {
    const back = await admin.reactivateUser({ userId: AGENT });
    expect(back.user?.state).toBe(UserState.ACTIVE);
    const user = await userOf(AGENT);
    expect(user.state).toBe(UserState.ACTIVE);
    expect(user.deactivateTime).toBeUndefined();
    expect(await heldBy(AGENT)).toEqual([]);
    expect((await agentClient.getAccount({})).account?.id).toBe(GOTO);

    const connect = await admin.assignLicenses({ userId: AGENT, products: [{ productId: CONNECT }] });
    expect(effects(connect.decision, 'configuration_restored')).toHaveLength(1);
    const phone = (await admin.getPhoneConfiguration({ userId: AGENT })).configuration!;
    expect(phone.state).toBe(PhoneConfigurationState.ACTIVE);
    expect(phone.purgeTime).toBeUndefined();
    expect(await heldBy(AGENT)).toEqual([CONNECT]);
  });

  it('3. nobody grants more than they have, an admin does not touch a super admin, nobody deactivates themself', async () => {
    const created = async (email: string, roles: string[], permissions: string[] = []) =>
      (await admin.createUser({ email, displayName: email.split('@')[0]!, roles, permissions })).user!.id;
    adminId = await created('ida@demo-goto.test', ['admin']);
    const managerId = await created('max@demo-goto.test', ['member'], ['manage_users']);
    const memberId = await created('mo@demo-goto.test', ['member']);
    asAdmin = await clientOf(adminId);
    const asManager = await clientOf(managerId);
    const grant = (client: Client, roles: string[], permissions: string[] = []) =>
      refusal(
        client.updateUser({ userId: memberId, roles, permissions, updateMask: { paths: ['roles', 'permissions'] } }),
      );

    const escalation = await grant(asAdmin, ['super_admin']);
    expect(escalation).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, errorInfo: { reason: 'POLICY_DENIED' } });
    expect(violations(escalation)).toEqual(['user-admin.no-escalation']);
    for (const [roles, permissions] of [
      [['admin'], []],
      [['member'], ['manage_users']],
    ]) {
      const refused = await grant(asManager, roles!, permissions);
      expect(refused.code).toBe(GrpcStatus.PERMISSION_DENIED);
      expect(violations(refused)).toEqual(['user-admin.no-escalation']);
    }
    expect(await userOf(memberId)).toMatchObject({ roles: ['member'], permissions: [] });

    // Another super admin than the owner: the rule alone decides.
    const otherSuperAdmin = await created('sue@demo-goto.test', ['super_admin']);
    const overSuperAdmin = await refusal(asAdmin.deactivateUser({ userId: otherSuperAdmin }));
    expect(overSuperAdmin).toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      errorInfo: { reason: 'POLICY_DENIED' },
    });
    expect(violations(overSuperAdmin)).toEqual(['user-admin.super-admins-by-super-admins']);
    expect((await userOf(otherSuperAdmin)).state).toBe(UserState.ACTIVE);

    const self = await refusal(asAdmin.deactivateUser({ userId: adminId }));
    expect(self).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, errorInfo: { reason: 'POLICY_DENIED' } });
    expect(violations(self)).toEqual(['user-admin.not-oneself']);
    expect((await userOf(adminId)).state).toBe(UserState.ACTIVE);

    const renamed = await asAdmin.updateUser(
      { userId: memberId, displayName: 'Mo Lead', roles: ['admin'], updateMask: { paths: ['display_name', 'roles'] } },
      as('req-promote-mo'),
    );
    expect(renamed.user).toMatchObject({ displayName: 'Mo Lead', roles: ['admin'], permissions: [] });
    expect(await userOf(memberId)).toMatchObject({ displayName: 'Mo Lead', roles: ['admin'] });
    const updated = (await admin.listAuditEvents({ resourceId: memberId })).events.filter(
      (e) => e.action === 'user.updated',
    );
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      actor: adminId,
      causationId: 'req-promote-mo',
      before: { displayName: 'mo', roles: ['member'] },
      after: { displayName: 'Mo Lead', roles: ['admin'] },
    });
  });

  it('3b. an admin deactivating the super admin who owns the account is refused by the rule, not told of ownership', async () => {
    // Whether the caller may change this user at all is decided before anything about the user is
    // answered: an admin is refused a super admin, owner or not.
    const overOwner = await refusal(asAdmin.deactivateUser({ userId: SUPER_ADMIN }));
    expect(overOwner).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, errorInfo: { reason: 'POLICY_DENIED' } });
    expect(violations(overOwner)).toEqual(['user-admin.super-admins-by-super-admins']);
    expect((await userOf(SUPER_ADMIN)).state).toBe(UserState.ACTIVE);
  });

  it('4. only a deactivated user is deleted; their audit trail stays', async () => {
    const userId = (await admin.createUser({ email: 'del@demo-goto.test', displayName: 'Del Gone' })).user!.id;
    const active = await refusal(admin.deleteUser({ userId }));
    expect(active).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'CONFLICT' } });
    expect((await userOf(userId)).state).toBe(UserState.ACTIVE);

    await admin.deactivateUser({ userId });
    const deleted = await admin.deleteUser({ userId }, as('req-delete-del'));
    expect(deleted.user?.id).toBe(userId);
    expect((await refusal(admin.getUser({ userId }))).code).toBe(GrpcStatus.NOT_FOUND);
    const listed = (await admin.listUsers({ pageSize: 500 })).users.map((u) => u.id);
    expect(listed).toContain(SUPER_ADMIN);
    expect(listed).not.toContain(userId);

    const history = (await admin.listAuditEvents({ resourceId: userId })).events;
    expect(history.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.created', 'user.deactivated', 'user.deleted']),
    );
    expect(history.find((e) => e.action === 'user.deleted')).toMatchObject({
      causationId: 'req-delete-del',
      before: { email: 'del@demo-goto.test', displayName: 'Del Gone' },
    });
  });
});
