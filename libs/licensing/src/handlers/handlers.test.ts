/**
 * The licensing handlers in-process (they are plain functions), against libsql and
 * the real PostgreSQL, with the shipped policy rules.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignLicensesRequestSchema, UnassignLicensesRequestSchema, events } from '@acme/contracts';
import { create } from '@bufbuild/protobuf';
import type { Database } from '@acme/licensing-data-access';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { loadRuleSet, type RuleSet } from '@acme/rules';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createReadHandlers } from './read-handlers.js';
import {
  CreateUserRequestSchema,
  ListAssignmentsRequestSchema,
  ListAuditEventsRequestSchema,
  ListUsersRequestSchema,
  UpdateFeaturesRequestSchema,
} from '@acme/contracts';
import { createUserHandlers } from './user-handlers.js';

const rules: RuleSet = await loadRuleSet();
const NOW = new Date('2026-11-23T10:00:00Z');
const ACCOUNT = 'acct_demo_goto';

const assignRequest = (init: Parameters<typeof create<typeof AssignLicensesRequestSchema>>[1]) =>
  create(AssignLicensesRequestSchema, init);
const unassignRequest = (init: Parameters<typeof create<typeof UnassignLicensesRequestSchema>>[1]) =>
  create(UnassignLicensesRequestSchema, init);

describe.each(DRIVERS)('assignment handlers on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let handlers: ReturnType<typeof createAssignmentHandlers>;
  const usage = async (productId: string) =>
    (await db.accounts.seatUsage(ACCOUNT)).find((u) => u.productId === productId)!;
  const snapshot = async () => ({
    usage: await db.accounts.seatUsage(ACCOUNT),
    outbox: (await db.outbox.list(ACCOUNT)).length,
    audit: (await db.audit.list(ACCOUNT)).events.length,
  });

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'assign'));
    handlers = createAssignmentHandlers({ db, rules: () => rules, now: () => NOW });
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('assigns several products at once with features, audit rows and ordered outbox events', async () => {
    const before = await usage('goto_contact_center');
    // The demo seed's own events come first (the account was opened through the use cases).
    const seeded = (await db.outbox.list(ACCOUNT)).length;
    const context = callContext();
    const response = await handlers.assignLicenses(
      assignRequest({
        userId: 'usr_demo_goto_manager',
        products: [
          { productId: 'goto_contact_center', features: { outbound_dialer: false } },
          { productId: 'goto_connect_standard' },
        ],
        notifyUser: true,
      }),
      context,
    );
    expect(response.results!.map((r) => r.productId)).toEqual(['goto_contact_center', 'goto_connect_standard']);
    expect(response.results![0]?.assignment?.features).toEqual({
      supervisor_dashboard: true,
      call_recording: true,
      outbound_dialer: false,
    });
    expect((await usage('goto_contact_center')).assigned).toBe(before.assigned + 1);

    const outbox = (await db.outbox.list(ACCOUNT)).slice(seeded);
    expect(outbox.map((e) => e.eventType)).toEqual(['license.assigned', 'license.assigned', 'notification.requested']);
    expect(outbox.map((e) => e.sequence)).toEqual([seeded + 1, seeded + 2, seeded + 3]);
    const first = fromBinary(events.EventEnvelopeSchema, outbox[0]!.payload);
    expect(first).toMatchObject({
      accountId: ACCOUNT,
      sequence: BigInt(seeded + 1),
      eventType: 'license.assigned',
      actor: { subject: 'usr_demo_goto_admin' },
    });
    expect(first.payload.case === 'licenseAssigned' && first.payload.value.price?.unitPrice?.amountMinor).toBe(7000n);
    const audit = (await db.audit.list(ACCOUNT)).events.filter((a) => a.causationId === context.requestId);
    expect(audit.filter((a) => a.action === 'license.assigned')).toHaveLength(2);
  });

  it.skipIf(skip)('refuses a member without manage_users, listing the violated rule, and changes nothing', async () => {
    const before = await snapshot();
    const error = await refusal(
      handlers.assignLicenses(
        assignRequest({ userId: 'usr_demo_goto_agent', products: [{ productId: 'goto_meeting' }] }),
        callContext(caller({ subject: 'usr_demo_goto_agent', roles: ['member'] })),
      ),
    );
    expect(error).toMatchObject({ type: 'permission_denied', reason: 'POLICY_DENIED' });
    expect(error.ruleViolations.map((v) => v.type)).toEqual(['who-may-act.assign-and-unassign']);
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(skip)('is all or nothing: one full product refuses the whole request', async () => {
    // Connect Standard: 10 seats; fill it to the brim through the handler first.
    const free = (await usage('goto_connect_standard')).available;
    for (let i = 0; i < free; i++) {
      await db.transaction(
        async (tx) =>
          void tx.insertUser({
            id: `usr_fill_${driver}_${i}`,
            accountId: ACCOUNT,
            email: `fill${i}@x.test`,
            displayName: `Fill ${i}`,
            roles: ['member'],
            permissions: [],
            createdAt: NOW,
          }),
      );
      await handlers.assignLicenses(
        assignRequest({ userId: `usr_fill_${driver}_${i}`, products: [{ productId: 'goto_connect_standard' }] }),
        callContext(),
      );
    }
    await db.transaction(
      async (tx) =>
        void tx.insertUser({
          id: `usr_aon_${driver}`,
          accountId: ACCOUNT,
          email: 'aon@x.test',
          displayName: 'All Or Nothing',
          roles: ['member'],
          permissions: [],
          createdAt: NOW,
        }),
    );
    const before = await snapshot();
    const error = await refusal(
      handlers.assignLicenses(
        assignRequest({
          userId: `usr_aon_${driver}`,
          products: [{ productId: 'goto_contact_center' }, { productId: 'goto_connect_standard' }],
        }),
        callContext(),
      ),
    );
    expect(error).toMatchObject({ type: 'resource_exhausted', reason: 'SEATS_EXHAUSTED' });
    expect(error.ruleViolations.map((v) => v.type)).toEqual(['seat-limits.no-assignment-beyond-purchased']);
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(skip)('warns and emits seats.exhausted when the last seat is used', async () => {
    const meeting = await usage('goto_meeting');
    let last;
    for (let i = 0; i < meeting.available; i++) {
      const id = `usr_meet_${driver}_${i}`;
      await db.transaction(
        async (tx) =>
          void tx.insertUser({
            id,
            accountId: ACCOUNT,
            email: `meet${i}@x.test`,
            displayName: `Meet ${i}`,
            roles: ['member'],
            permissions: [],
            createdAt: NOW,
          }),
      );
      last = await handlers.assignLicenses(
        assignRequest({ userId: id, products: [{ productId: 'goto_meeting' }] }),
        callContext(),
      );
    }
    expect(last?.decision?.warnings?.map((w) => w.ruleId)).toEqual(['seat-limits.last-seat-notice']);
    expect(last?.decision?.effects).toMatchObject([
      { type: 'notice', code: 'seats_exhausted', productId: 'goto_meeting' },
    ]);
    // The rule's notice, then the seat-usage notice of the 100% threshold (rule data).
    expect((await db.outbox.list(ACCOUNT)).slice(-2).map((e) => e.eventType)).toEqual([
      'seats.exhausted',
      'seat_threshold.triggered',
    ]);
  });

  it.skipIf(skip)('validate_only returns the decision and changes nothing', async () => {
    const before = await snapshot();
    const response = await handlers.unassignLicenses(
      unassignRequest({ userId: 'usr_demo_goto_agent', productIds: ['goto_contact_center'], validateOnly: true }),
      callContext(),
    );
    expect(response.decision?.validateOnly).toBe(true);
    expect(response.results!.map((r) => r.productId)).toEqual(['goto_contact_center']);
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(skip)(
    'replays the first response for a repeated idempotency key and refuses it for another request',
    async () => {
      const request = unassignRequest({
        userId: 'usr_demo_goto_agent',
        productIds: ['goto_contact_center'],
        idempotencyKey: `key-${driver}`,
      });
      const first = await handlers.unassignLicenses(request, callContext());
      const afterFirst = await snapshot();
      const second = await handlers.unassignLicenses(request, callContext());
      expect(second).toEqual(first);
      expect(await snapshot()).toEqual(afterFirst);
      const other = await refusal(
        handlers.unassignLicenses(
          unassignRequest({
            userId: 'usr_demo_goto_agent',
            productIds: ['goto_connect_standard'],
            idempotencyKey: `key-${driver}`,
          }),
          callContext(),
        ),
      );
      expect(other.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    },
  );

  it.skipIf(skip)('reports every bad field at once and touches nothing', async () => {
    const before = await snapshot();
    const error = await refusal(
      handlers.assignLicenses(
        assignRequest({
          userId: 'bob',
          products: [{ productId: 'goto_meeting' }, { productId: 'goto_meeting' }, { productId: 'Not A Product' }],
          idempotencyKey: 'has spaces',
        }),
        callContext(),
      ),
    );
    expect(error.fieldViolations.map((v) => v.field)).toEqual([
      'user_id',
      'products[1]',
      'products[2]',
      'idempotency_key',
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(skip)("refuses another account's user, unknown products and features", async () => {
    expect(
      (
        await refusal(
          handlers.assignLicenses(
            assignRequest({
              accountId: 'acct_demo_zendesk',
              userId: 'usr_demo_zendesk_agent1',
              products: [{ productId: 'zendesk_talk' }],
            }),
            callContext(),
          ),
        )
      ).type,
    ).toBe('permission_denied');
    expect(
      (
        await refusal(
          handlers.assignLicenses(
            assignRequest({ userId: 'usr_demo_zendesk_agent1', products: [{ productId: 'goto_meeting' }] }),
            callContext(),
          ),
        )
      ).type,
    ).toBe('not_found');
    const unknown = await refusal(
      handlers.assignLicenses(
        assignRequest({
          userId: 'usr_demo_goto_manager',
          products: [{ productId: 'goto_webinar' }, { productId: 'goto_meeting', features: { teleport: true } }],
        }),
        callContext(),
      ),
    );
    expect(unknown.fieldViolations.map((v) => v.field)).toEqual([
      'products[0].product_id',
      'products[1].product_id',
      'products[1].features.teleport',
    ]);
  });

  it.skipIf(skip)('lists assignments with filters, page by page, each exactly once', async () => {
    const reads = createReadHandlers(db);
    const all: string[] = [];
    let pageToken = '';
    do {
      const page = await reads.listAssignments(
        create(ListAssignmentsRequestSchema, { pageSize: 4, pageToken }),
        callContext(),
      );
      expect(page.assignments!.length).toBeLessThanOrEqual(4);
      all.push(...page.assignments!.map((a) => a.id!));
      pageToken = page.nextPageToken ?? '';
    } while (pageToken);
    expect(new Set(all).size).toBe(all.length);
    const usage = await db.accounts.seatUsage(ACCOUNT);
    expect(all.length).toBe(usage.reduce((sum, u) => sum + u.assigned, 0));
    const meeting = await reads.listAssignments(
      create(ListAssignmentsRequestSchema, { productId: 'goto_meeting', pageSize: 500 }),
      callContext(),
    );
    expect(meeting.assignments!.every((a) => a.productId === 'goto_meeting')).toBe(true);
    expect(meeting.assignments!.length).toBe(usage.find((u) => u.productId === 'goto_meeting')!.assigned);
    const mine = await reads.listAssignments(
      create(ListAssignmentsRequestSchema, { userId: 'usr_demo_goto_admin' }),
      callContext(),
    );
    expect(mine.assignments!.map((a) => a.productId).sort()).toEqual(['goto_connect_standard', 'goto_meeting']);
  });

  it.skipIf(skip)('lists the audit trail newest first with actor, before/after and causation', async () => {
    const reads = createReadHandlers(db);
    const first = await reads.listAuditEvents(create(ListAuditEventsRequestSchema, { pageSize: 2 }), callContext());
    expect(first.events).toHaveLength(2);
    expect(first.nextPageToken).not.toBe('');
    const second = await reads.listAuditEvents(
      create(ListAuditEventsRequestSchema, { pageSize: 2, pageToken: first.nextPageToken! }),
      callContext(),
    );
    expect(second.events!.map((e) => e.id)).not.toContain(first.events![0]!.id);
    const unassigned = await reads.listAuditEvents(
      create(ListAuditEventsRequestSchema, { pageSize: 50 }),
      callContext(),
    );
    const removal = unassigned.events!.find((e) => e.action === 'license.unassigned')!;
    expect(removal).toMatchObject({
      actor: 'usr_demo_goto_admin',
      resourceType: 'assignment',
      before: { productId: 'goto_contact_center' },
    });
    expect(removal.after).toBeUndefined();
  });

  it.skipIf(skip)('changes feature toggles, keeping the others, with an event carrying before and after', async () => {
    const listing = create(ListAssignmentsRequestSchema, { userId: 'usr_demo_goto_admin', productId: 'goto_meeting' });
    const before = {
      ...(await createReadHandlers(db).listAssignments(listing, callContext())).assignments![0]!.features,
    };
    expect(before.cloud_recording).toBe(true);
    const response = await handlers.updateFeatures(
      create(UpdateFeaturesRequestSchema, {
        userId: 'usr_demo_goto_admin',
        productId: 'goto_meeting',
        features: { cloud_recording: false },
      }),
      callContext(),
    );
    expect(response.assignment?.features).toEqual({ ...before, cloud_recording: false });
    const listed = await createReadHandlers(db).listAssignments(listing, callContext());
    expect(listed.assignments![0]?.features).toEqual({ ...before, cloud_recording: false });
    const last = fromBinary(events.EventEnvelopeSchema, (await db.outbox.list(ACCOUNT)).at(-1)!.payload);
    expect(last.payload.case).toBe('featuresChanged');
    const unknown = await refusal(
      handlers.updateFeatures(
        create(UpdateFeaturesRequestSchema, {
          userId: 'usr_demo_goto_admin',
          productId: 'goto_meeting',
          features: { warp_drive: true },
        }),
        callContext(),
      ),
    );
    expect(unknown.fieldViolations).toMatchObject([{ field: 'features.warp_drive' }]);
  });

  it.skipIf(skip)(
    'creates a user with licenses in one step, and refuses a duplicate email or a role beyond the caller',
    async () => {
      const users = createUserHandlers({ db, rules: () => rules, now: () => NOW });
      const response = await users.createUser(
        create(CreateUserRequestSchema, {
          email: `New.Hire.${driver}@Demo-Goto.test`,
          displayName: 'New Hire',
          products: [{ productId: 'goto_contact_center' }],
        }),
        callContext(),
      );
      expect(response.user).toMatchObject({ email: `new.hire.${driver}@demo-goto.test`, roles: ['member'] });
      expect(response.assignments!.map((a) => a.productId)).toEqual(['goto_contact_center']);
      const duplicate = await refusal(
        users.createUser(
          create(CreateUserRequestSchema, { email: `new.hire.${driver}@demo-goto.test`, displayName: 'Again' }),
          callContext(),
        ),
      );
      expect(duplicate.reason).toBe('ALREADY_EXISTS');
      const manager = caller({ subject: 'usr_demo_goto_manager', roles: ['member'], permissions: ['manage_users'] });
      const escalation = await refusal(
        users.createUser(
          create(CreateUserRequestSchema, {
            email: `boss.${driver}@demo-goto.test`,
            displayName: 'Boss',
            roles: ['super_admin'],
          }),
          callContext(manager),
        ),
      );
      expect(escalation).toMatchObject({ type: 'permission_denied', reason: 'PERMISSION_DENIED' });
    },
  );

  it.skipIf(skip)('creates nothing when the licenses of a new user are refused', async () => {
    const users = createUserHandlers({ db, rules: () => rules, now: () => NOW });
    const before = await snapshot();
    const error = await refusal(
      users.createUser(
        create(CreateUserRequestSchema, {
          email: `full.${driver}@demo-goto.test`,
          displayName: 'Full',
          products: [{ productId: 'goto_connect_standard' }],
        }),
        callContext(),
      ),
    );
    expect(error.reason).toBe('SEATS_EXHAUSTED');
    expect(await snapshot()).toEqual(before);
    const listed = await createReadHandlers(db).listUsers(
      create(ListUsersRequestSchema, { pageSize: 500 }),
      callContext(),
    );
    expect(listed.users!.map((u) => u.email)).not.toContain(`full.${driver}@demo-goto.test`);
  });

  it.skipIf(skip)('lists the users a search finds, and refuses a query longer than an email', async () => {
    const reads = createReadHandlers(db);
    const found = await reads.listUsers(create(ListUsersRequestSchema, { query: 'AGENT' }), callContext());
    expect(found.users!.length).toBeGreaterThan(0);
    for (const user of found.users!) expect(`${user.email} ${user.displayName}`.toLowerCase()).toContain('agent');
    const all = await reads.listUsers(create(ListUsersRequestSchema, { pageSize: 500 }), callContext());
    expect(found.users!.length).toBeLessThan(all.users!.length);
    const error = await refusal(
      reads.listUsers(create(ListUsersRequestSchema, { query: 'x'.repeat(321) }), callContext()),
    );
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['query']);
  });
});
