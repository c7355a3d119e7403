/**
 * The decision log as an administrator reads it: every decision of a call (who may act, then the
 * rest of the point's rules), allowed or refused, committed, rolled back or a dry run, with the
 * facts, the rule set and the request id the call's audit entries carry. Both databases.
 */
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssignLicensesRequestSchema,
  ListAuditEventsRequestSchema,
  ListAuditEventsResponseSchema,
  ListDecisionsRequestSchema,
  ListDecisionsResponseSchema,
  LicensingService,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { pino } from 'pino';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { requireReadScope } from '../account-scope.js';
import { createAssignmentHandlers } from '../handlers/assignment-handlers.js';
import { createDecisionHandlers } from '../handlers/decision-handlers.js';
import { createReadHandlers } from '../handlers/read-handlers.js';
import { DecisionLogWriter } from './decision-log-writer.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const admin = caller();
const member = caller({ subject: 'usr_demo_goto_agent', roles: ['member'] });
const logger = pino({ level: 'silent' });

describe.each(DRIVERS)('decision log on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let writer: DecisionLogWriter;
  const assignment = () =>
    createAssignmentHandlers({ db, rules: () => rules, now: () => new Date(), decisionLog: writer });
  /** ListDecisions as the service composes it: the read scopes first (requireReadScope), then the handler. */
  const listDecisions = async (
    principal: typeof admin,
    init: Parameters<typeof create<typeof ListDecisionsRequestSchema>>[1] = {},
  ) => {
    const handlers = requireReadScope(LicensingService, createDecisionHandlers(db) as never) as ReturnType<
      typeof createDecisionHandlers
    >;
    return create(
      ListDecisionsResponseSchema,
      await handlers.listDecisions(create(ListDecisionsRequestSchema, init), callContext(principal)),
    );
  };
  const decisionsOf = async (requestId: string) => {
    await writer.flush();
    return (await listDecisions(admin, { requestId })).decisions;
  };

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'decision_log'));
    writer = new DecisionLogWriter({ append: db.decisions.append, logger });
    await db.transaction(
      async (tx) =>
        void tx.insertUser({
          id: 'usr_logged',
          accountId: ACCOUNT,
          email: 'logged@demo-goto.test',
          displayName: 'Logged User',
          roles: ['member'],
          permissions: [],
          createdAt: new Date(),
        }),
    );
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)(
    'records an allowed change: who may act, then the rules, with facts and the audit of the same request',
    async () => {
      const context = callContext(admin);
      await assignment().assignLicenses(
        create(AssignLicensesRequestSchema, {
          userId: 'usr_logged',
          products: [{ productId: 'goto_meeting' }],
        }),
        context,
      );
      const logged = await decisionsOf(context.requestId);
      // One call decides at one instant: its decisions share the time, in no particular order.
      expect(logged.map((d) => [d.stage, d.decisionPoint, d.allowed]).sort()).toEqual([
        ['rules', 'assign', true],
        ['who_may_act', 'assign', true],
      ]);
      for (const d of logged) {
        expect(d).toMatchObject({ accountId: ACCOUNT, actor: admin.subject, actorKind: 'user', dryRun: false });
        expect(d.ruleSetVersion).toBe(rules.version);
        expect(d.facts).not.toHaveProperty('params');
      }
      const decided = logged.find((d) => d.stage === 'rules')!;
      expect(decided.facts).toMatchObject({
        user: { id: 'usr_logged' },
        request: { productIds: ['goto_meeting'] },
        products: [{ id: 'goto_meeting', requested: 1 }],
      });
      // The audit entry of the change names the same request: that is the link between the two.
      const audit = create(
        ListAuditEventsResponseSchema,
        await createReadHandlers(db).listAuditEvents(
          create(ListAuditEventsRequestSchema, { causationId: context.requestId }),
          callContext(admin),
        ),
      );
      expect(audit.events.map((e) => e.action)).toContain('license.assigned');
      expect(new Set(audit.events.map((e) => e.causationId))).toEqual(new Set([decided.requestId]));
    },
  );

  it.skipIf(skip)('records refusals (nothing written) and dry runs', async () => {
    const refused = callContext(member);
    await refusal(
      assignment().assignLicenses(
        create(AssignLicensesRequestSchema, {
          userId: 'usr_demo_goto_agent',
          products: [{ productId: 'goto_meeting' }],
        }),
        refused,
      ),
    );
    const [denied, ...others] = await decisionsOf(refused.requestId);
    expect(others).toEqual([]);
    expect(denied).toMatchObject({ stage: 'who_may_act', allowed: false, actor: member.subject });
    expect(denied!.violations.map((v) => v.ruleId)).toEqual(['who-may-act.assign-and-unassign']);
    expect(denied!.violations[0]!.message).toMatch(/super admin or admin role/);

    const tooMany = callContext(admin);
    await refusal(
      assignment().assignLicenses(
        create(AssignLicensesRequestSchema, {
          userId: 'usr_demo_goto_agent',
          products: [{ productId: 'goto_contact_center' }],
          validateOnly: true,
        }),
        tooMany,
      ),
    ).catch(() => undefined);
    const dry = await decisionsOf(tooMany.requestId);
    expect(dry.length).toBeGreaterThan(0);
    expect(dry.every((d) => d.dryRun)).toBe(true);
  });

  it.skipIf(skip)('is read by administrators and decisions:read services only, confined to the account', async () => {
    await writer.flush();
    const list = listDecisions;
    expect((await list(admin)).decisions.length).toBeGreaterThan(0);
    expect((await refusal(list(member))).reason).toBe('PERMISSION_DENIED');
    const reader = caller({
      subject: 'svc:support',
      kind: 'service',
      accountId: null,
      roles: [],
      scopes: ['licenses:read'],
    });
    expect((await refusal(list(reader, { accountId: ACCOUNT }))).metadata).toMatchObject({
      required_scope: 'decisions:read',
    });
    const backOffice = { ...reader, scopes: ['decisions:read'] };
    expect((await list(backOffice, { accountId: ACCOUNT })).decisions.length).toBeGreaterThan(0);
    expect((await refusal(list(admin, { accountId: 'acct_demo_zendesk' }))).reason).toBe('PERMISSION_DENIED');
    // Denied only, by point, paged.
    const denied = await list(admin, { deniedOnly: true, decisionPoint: 'assign' });
    expect(denied.decisions.length).toBeGreaterThan(0);
    expect(denied.decisions.every((d) => !d.allowed && d.decisionPoint === 'assign')).toBe(true);
    const first = await list(admin, { pageSize: 1 });
    const second = await list(admin, { pageSize: 1, pageToken: first.nextPageToken });
    expect(second.decisions[0]!.id).not.toBe(first.decisions[0]!.id);
  });

  it.skipIf(skip)('keeps decisions for the retention window only', async () => {
    await writer.flush();
    const before = (await db.decisions.list(ACCOUNT, {}, { pageSize: 500 })).decisions.length;
    expect(before).toBeGreaterThan(0);
    expect(await db.decisions.purgeBefore(new Date(Date.now() - 86_400_000))).toBe(0);
    expect(await db.decisions.purgeBefore(new Date(Date.now() + 1000))).toBe(before);
    expect((await db.decisions.list(ACCOUNT, {}, { pageSize: 500 })).decisions).toEqual([]);
  });
});
