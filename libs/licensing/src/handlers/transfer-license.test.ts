/**
 * TransferLicense on libsql and PostgreSQL: a license moves with its toggles in one transaction,
 * the seat count stays, billing sees one seat close and one open, the giver's GoTo Connect phone
 * configuration is kept by the retention rule; a refused side changes nothing.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetAssignmentRequestSchema,
  TransferLicenseRequestSchema,
  UpdateFeaturesRequestSchema,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createTransferHandlers } from './transfer-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const AGENT = 'usr_demo_goto_agent'; // Connect (with a phone configuration) and Contact Center
const MANAGER = 'usr_demo_goto_manager'; // Meeting only
const CONNECT = 'goto_connect_standard';

describe.each(DRIVERS)('license transfer on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let transfers: ReturnType<typeof createTransferHandlers>;
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  const connectSeats = async () => (await db.accounts.seatUsage(ACCOUNT)).find((u) => u.productId === CONNECT)!;
  const holders = async () =>
    (await db.assignments.list(ACCOUNT, { productId: CONNECT }, { pageSize: 50 })).assignments.map((a) => a.userId);
  const outbox = async () =>
    (await db.outbox.list(ACCOUNT)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload));
  const transfer = (fields: { fromUserId: string; toUserId: string; productId?: string; validateOnly?: boolean }) =>
    transfers.transferLicense(
      create(TransferLicenseRequestSchema, { productId: CONNECT, ...fields }),
      callContext(caller()),
    );

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'transfer'));
    const deps = { db, rules: () => rules, now: () => new Date('2026-11-24T09:00:00Z') };
    transfers = createTransferHandlers(deps, db);
    assignments = createAssignmentHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('moves the license with its toggles; seats unchanged; one seat closes and one opens', async () => {
    await assignments.updateFeatures(
      create(UpdateFeaturesRequestSchema, { userId: AGENT, productId: CONNECT, features: { mobile_app: false } }),
      callContext(caller()),
    );
    const seats = await connectSeats();
    const seen = (await outbox()).length;

    const dryRun = await transfer({ fromUserId: AGENT, toUserId: MANAGER, validateOnly: true });
    expect(dryRun.assignment?.id).toBe('');
    expect(await holders()).toContain(AGENT);

    const moved = await transfer({ fromUserId: AGENT, toUserId: MANAGER });
    expect(moved.removed?.userId).toBe(AGENT);
    expect(moved.assignment).toMatchObject({ userId: MANAGER, productId: CONNECT });
    expect(moved.assignment?.features).toMatchObject({ mobile_app: false });
    expect(await connectSeats()).toEqual(seats);
    expect(await holders()).toContain(MANAGER);
    expect(await holders()).not.toContain(AGENT);
    const added = (await outbox()).slice(seen);
    expect(added.map((e) => e.payload.case)).toEqual(
      expect.arrayContaining(['licenseUnassigned', 'licenseAssigned', 'configurationRetained']),
    );
    expect(new Set(added.map((e) => e.causationId)).size).toBe(1);
    expect((await db.phoneConfigurations.get(ACCOUNT, AGENT))?.retainedUntil).toBeInstanceOf(Date);
    const read = await transfers.getAssignment(
      create(GetAssignmentRequestSchema, { assignmentId: moved.assignment!.id }),
      callContext(caller()),
    );
    expect(read.assignment).toMatchObject({ userId: MANAGER, productId: CONNECT });
  });

  it.skipIf(skip)('refuses a receiver who holds the product, or a giver who does not, changing nothing', async () => {
    const before = { seats: await connectSeats(), holders: await holders(), events: (await outbox()).length };
    const held = await refusal(transfer({ fromUserId: 'usr_demo_goto_admin', toUserId: MANAGER }));
    expect(held.fieldViolations.map((v) => v.field)).toEqual(['to_user_id']);
    const notHeld = await refusal(transfer({ fromUserId: AGENT, toUserId: 'usr_demo_goto_admin' }));
    // Every problem at once: the agent gave Connect away, and the admin holds it.
    expect(notHeld.fieldViolations.map((v) => v.field)).toEqual(['product_id', 'to_user_id']);
    const same = await refusal(transfer({ fromUserId: MANAGER, toUserId: MANAGER }));
    expect(same.type).toBe('invalid_argument');
    expect({ seats: await connectSeats(), holders: await holders(), events: (await outbox()).length }).toEqual(before);
  });
});
