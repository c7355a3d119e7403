/**
 * Seat-usage notices on libsql and PostgreSQL, through the RPC handlers: each threshold of the rule
 * data (80, 90, 100 %) is reported once when usage reaches it and once when it falls back, by
 * whichever call moves the seats (assignments, removals, purchases), and never by a dry run.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssignLicensesRequestSchema,
  CreateUserRequestSchema,
  PurchaseSeatsRequestSchema,
  UnassignLicensesRequestSchema,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, openSeededDatabase } from '../../test/handler-harness.js';
import { createAssignmentHandlers } from '../handlers/assignment-handlers.js';
import { createSeatHandlers } from '../handlers/seat-handlers.js';
import { createUserHandlers } from '../handlers/user-handlers.js';
import { crossings, levelReached } from '../domain/seat-thresholds.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const MEETING = 'goto_meeting'; // 10 purchased, 2 assigned in the demo account

describe('seat thresholds, the arithmetic', () => {
  it('reaches a threshold exactly at its share of purchased seats', () => {
    expect(levelReached([80, 90, 100], 7, 10)).toBe(0);
    expect(levelReached([80, 90, 100], 8, 10)).toBe(80);
    expect(levelReached([80, 90, 100], 10, 10)).toBe(100);
    expect(levelReached([80, 90, 100], 0, 0)).toBe(0);
    expect(levelReached([80], 4, 5)).toBe(80);
  });

  it('crossing several at once reports each, upwards lowest first, downwards highest first', () => {
    expect(crossings([80, 90, 100], 0, 100)).toEqual({ triggered: [80, 90, 100], resolved: [] });
    expect(crossings([80, 90, 100], 100, 0)).toEqual({ triggered: [], resolved: [100, 90, 80] });
    expect(crossings([80, 90, 100], 90, 90)).toEqual({ triggered: [], resolved: [] });
    // A threshold taken out of the rule data is still resolved when usage falls below it.
    expect(crossings([80, 100], 90, 0)).toEqual({ triggered: [], resolved: [90, 80] });
  });
});

describe.each(DRIVERS)('seat-threshold notices on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let assignments: ReturnType<typeof createAssignmentHandlers>;
  let users: ReturnType<typeof createUserHandlers>;
  let seats: ReturnType<typeof createSeatHandlers>;
  const newUsers: string[] = [];
  let seen = 0;
  /** The notices appended since the last call, as "triggered 80 (8/10)". */
  const notices = async () => {
    const all = (await db.outbox.list(ACCOUNT)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload));
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh.flatMap((e) =>
      e.payload.case === 'seatThresholdTriggered' || e.payload.case === 'seatThresholdResolved'
        ? [
            `${e.payload.case === 'seatThresholdTriggered' ? 'triggered' : 'resolved'} ${e.payload.value.percent} ` +
              `${e.payload.value.productId} (${e.payload.value.assigned}/${e.payload.value.purchased})`,
          ]
        : [],
    );
  };
  const assign = (userId: string, validateOnly = false) =>
    assignments.assignLicenses(
      create(AssignLicensesRequestSchema, { userId, products: [{ productId: MEETING }], validateOnly }),
      callContext(),
    );
  const unassign = (userId: string) =>
    assignments.unassignLicenses(
      create(UnassignLicensesRequestSchema, { userId, productIds: [MEETING] }),
      callContext(),
    );

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'thresholds'));
    const deps = { db, rules: () => rules, now: () => new Date('2026-11-24T09:00:00Z') };
    assignments = createAssignmentHandlers(deps);
    users = createUserHandlers(deps);
    seats = createSeatHandlers(deps);
    for (let i = 0; i < 8; i++) {
      const { user } = await users.createUser(
        create(CreateUserRequestSchema, { email: `seat${i}.${driver}@demo-goto.test`, displayName: `Seat ${i}` }),
        callContext(),
      );
      newUsers.push(user!.id!);
    }
    await notices();
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('each threshold is triggered once on the way up and resolved once on the way down', async () => {
    // 2 of 10 assigned: 3, 4, 5, 6, 7 report nothing; the 8th seat reaches 80%.
    for (const user of newUsers.slice(0, 5)) await assign(user);
    expect(await notices()).toEqual([]);
    await assign(newUsers[5]!);
    expect(await notices()).toEqual([`triggered 80 ${MEETING} (8/10)`]);
    await assign(newUsers[6]!, true); // a dry run tells nothing
    expect(await notices()).toEqual([]);
    await assign(newUsers[6]!);
    await assign(newUsers[7]!);
    expect(await notices()).toEqual([`triggered 90 ${MEETING} (9/10)`, `triggered 100 ${MEETING} (10/10)`]);
    await unassign(newUsers[7]!);
    expect(await notices()).toEqual([`resolved 100 ${MEETING} (9/10)`]);
    await unassign(newUsers[6]!);
    expect(await notices()).toEqual([`resolved 90 ${MEETING} (8/10)`]);
    // Back up again: a new crossing, reported again.
    await assign(newUsers[6]!);
    expect(await notices()).toEqual([`triggered 90 ${MEETING} (9/10)`]);
  });

  it.skipIf(skip)('buying seats resolves what usage no longer reaches, highest first, in one call', async () => {
    await seats.purchaseSeats(
      create(PurchaseSeatsRequestSchema, {
        productId: MEETING,
        quantity: 10,
        expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
      }),
      callContext(),
    );
    expect(await notices()).toEqual([`resolved 90 ${MEETING} (9/20)`, `resolved 80 ${MEETING} (9/20)`]);
  });
});
