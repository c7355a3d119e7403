/**
 * CheckEntitlements on libsql and PostgreSQL: each reason in its order of precedence, the event
 * sequence the answer reflects, the caller's own writes seen at once through the read cache, and
 * the questions a caller can get wrong refused with every bad field named.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssignLicensesRequestSchema,
  CheckEntitlementsRequestSchema,
  CheckEntitlementsResponseSchema,
  DeactivateUserRequestSchema,
  EntitlementReason,
  UpdateAccountRequestSchema,
  UpdateFeaturesRequestSchema,
  events,
  type CheckEntitlementsResponse,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import {
  backOfficeCaller,
  callContext,
  caller,
  DRIVERS,
  openSeededDatabase,
  refusal,
} from '../../test/handler-harness.js';
import { AccountReadCache } from '../reads/account-read-cache.js';
import { createAccountHandlers } from './account-handlers.js';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createEntitlementHandlers, MAX_ENTITLEMENT_USERS } from './entitlement-handlers.js';
import { createUserLifecycleHandlers } from './user-lifecycle-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const ADMIN = 'usr_demo_goto_admin';
const AGENT = 'usr_demo_goto_agent';
const MANAGER = 'usr_demo_goto_manager';
const admin = caller();
const backOffice = backOfficeCaller();
const check = (userIds: string[], queries: { productId: string; feature?: string }[] = []) =>
  create(CheckEntitlementsRequestSchema, { userIds, queries });
/** The answers as "user product[.feature] -> reason" lines, readable in a failure. */
const lines = (response: CheckEntitlementsResponse) =>
  response.results.map(
    (r) =>
      `${r.userId} ${r.productId}${r.feature ? `.${r.feature}` : ''} ${r.entitled ? 'yes' : 'no'} ${EntitlementReason[r.reason]}`,
  );

describe.each(DRIVERS)('CheckEntitlements on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let cache: AccountReadCache;
  let stopInvalidating = () => {};
  let entitlements: ReturnType<typeof createEntitlementHandlers>;
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  let lifecycle: ReturnType<typeof createUserLifecycleHandlers>;
  let accounts: ReturnType<typeof createAccountHandlers>;
  const checkAs = async (...args: Parameters<typeof entitlements.checkEntitlements>) =>
    create(CheckEntitlementsResponseSchema, await entitlements.checkEntitlements(...args));
  const lastSequence = async () => {
    const outbox = await db.outbox.list(ACCOUNT);
    return fromBinary(events.EventEnvelopeSchema, outbox.at(-1)!.payload).sequence;
  };

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'entitle'));
    // As the service wires it: this process's commits drop the account's answers.
    cache = new AccountReadCache(() => true);
    const unsubscribe = db.onCommit((change) => change.accounts.forEach((id) => cache.invalidate(id)));
    stopInvalidating = () => void unsubscribe();
    const deps = { db, rules: () => rules, now: () => new Date('2026-11-24T09:00:00Z') };
    entitlements = createEntitlementHandlers(db, cache);
    assignments = createAssignmentHandlers(deps);
    lifecycle = createUserLifecycleHandlers(deps, db);
    accounts = createAccountHandlers(deps, db);
  });
  afterAll(async () => {
    stopInvalidating();
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('answers per user and question, in request order, with the sequence it reflects', async () => {
    const response = await checkAs(
      check(
        [AGENT, MANAGER, 'usr_nobody'],
        [{ productId: 'goto_contact_center' }, { productId: 'goto_meeting', feature: 'hd_video' }],
      ),
      callContext(admin),
    );
    expect(lines(response)).toEqual([
      `${AGENT} goto_contact_center yes LICENSED`,
      `${AGENT} goto_meeting.hd_video no NO_LICENSE`,
      `${MANAGER} goto_contact_center no NO_LICENSE`,
      `${MANAGER} goto_meeting.hd_video yes LICENSED`,
      'usr_nobody goto_contact_center no UNKNOWN_USER',
      'usr_nobody goto_meeting.hd_video no UNKNOWN_USER',
    ]);
    expect(response.sequence).toBe(await lastSequence());
  });

  it.skipIf(skip)('no questions asks about every product of the catalog', async () => {
    const response = await checkAs(check([ADMIN]), callContext(admin));
    const products = (await db.catalog.listProducts()).map((p) => p.id).sort();
    expect(response.results.map((r) => r.productId)).toEqual(products);
    expect(response.results.filter((r) => r.entitled).map((r) => r.productId)).toEqual([
      'goto_connect_standard',
      'goto_meeting',
    ]);
  });

  it.skipIf(skip)("the caller's own writes are seen by the next check, through the cache", async () => {
    const ask = () =>
      checkAs(
        check([MANAGER], [{ productId: 'goto_connect_standard' }, { productId: 'goto_meeting', feature: 'hd_video' }]),
        callContext(admin),
      );
    expect(lines(await ask())).toEqual([
      `${MANAGER} goto_connect_standard no NO_LICENSE`,
      `${MANAGER} goto_meeting.hd_video yes LICENSED`,
    ]);
    expect(cache.size).toBeGreaterThan(0); // the answer above is kept
    await assignments.assignLicenses(
      create(AssignLicensesRequestSchema, { userId: MANAGER, products: [{ productId: 'goto_connect_standard' }] }),
      callContext(admin),
    );
    await assignments.updateFeatures(
      create(UpdateFeaturesRequestSchema, {
        userId: MANAGER,
        productId: 'goto_meeting',
        features: { hd_video: false },
      }),
      callContext(admin),
    );
    const after = await ask();
    expect(lines(after)).toEqual([
      `${MANAGER} goto_connect_standard yes LICENSED`,
      `${MANAGER} goto_meeting.hd_video no FEATURE_OFF`,
    ]);
    expect(after.sequence).toBe(await lastSequence());
  });

  it.skipIf(skip)('a deactivated user, then a suspended account, are entitled to nothing', async () => {
    await lifecycle.deactivateUser(create(DeactivateUserRequestSchema, { userId: AGENT }), callContext(admin));
    const question = [{ productId: 'goto_contact_center' }];
    expect(lines(await checkAs(check([AGENT, ADMIN], question), callContext(admin)))).toEqual([
      `${AGENT} goto_contact_center no USER_DEACTIVATED`,
      `${ADMIN} goto_contact_center no NO_LICENSE`,
    ]);
    await accounts.updateAccount(
      create(UpdateAccountRequestSchema, { accountId: ACCOUNT, suspended: true }),
      callContext(backOffice),
    );
    const suspended = await checkAs(check([ADMIN, AGENT], [{ productId: 'goto_meeting' }]), callContext(admin));
    expect(lines(suspended)).toEqual([
      `${ADMIN} goto_meeting no ACCOUNT_SUSPENDED`,
      `${AGENT} goto_meeting no ACCOUNT_SUSPENDED`,
    ]);
    // The suspension is an event like any change of an entitlement: watchers see it.
    const outbox = await db.outbox.list(ACCOUNT);
    const last = fromBinary(events.EventEnvelopeSchema, outbox.at(-1)!.payload);
    expect(last.payload.case).toBe('accountUpdated');
    expect(last.payload.case === 'accountUpdated' && last.payload.value.suspended).toBe(true);
    expect(suspended.sequence).toBe(last.sequence);
    await accounts.updateAccount(
      create(UpdateAccountRequestSchema, { accountId: ACCOUNT, suspended: false }),
      callContext(backOffice),
    );
    expect(lines(await checkAs(check([ADMIN], [{ productId: 'goto_meeting' }]), callContext(admin)))).toEqual([
      `${ADMIN} goto_meeting yes LICENSED`,
    ]);
  });

  it.skipIf(skip)('refuses what a caller can get wrong, naming every field', async () => {
    const bad = await refusal(
      checkAs(check([AGENT, AGENT, 'nope'], [{ productId: 'goto_meeting', feature: 'x' }]), callContext(admin)),
    );
    expect(bad.type).toBe('invalid_argument');
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(['user_ids[1]', 'user_ids[2]']);
    const unknown = await refusal(
      checkAs(
        check([AGENT], [{ productId: 'goto_nothing' }, { productId: 'goto_meeting', feature: 'teleport' }]),
        callContext(admin),
      ),
    );
    expect(unknown.fieldViolations.map((v) => v.field)).toEqual(['queries[0].product_id', 'queries[1].feature']);
    const many = Array.from({ length: MAX_ENTITLEMENT_USERS + 1 }, (_, i) => `usr_${i}`);
    const tooMany = await refusal(checkAs(check(many), callContext(admin)));
    expect(tooMany.fieldViolations.map((v) => v.field)).toEqual(['user_ids']);
    const none = await refusal(checkAs(check([]), callContext(admin)));
    expect(none.fieldViolations.map((v) => v.field)).toEqual(['user_ids']);
  });

  it.skipIf(skip)("another account's users are never answered", async () => {
    const foreign = await refusal(
      checkAs(
        create(CheckEntitlementsRequestSchema, { accountId: 'acct_demo_zendesk', userIds: [AGENT] }),
        callContext(admin),
      ),
    );
    expect(foreign.type).toBe('permission_denied');
  });
});
