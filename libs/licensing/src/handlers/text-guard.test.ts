/**
 * Found by the bad-input properties (apps/dev-stack/src/bad-input): a queue name, display name,
 * email, sales note or audit filter holding U+0000 reached PostgreSQL, which cannot store it, and
 * the caller got INTERNAL. Now every RPC refuses such text as INVALID_ARGUMENT, naming the field
 * (the guard is the grpc lib's `refuseNulCharacters`; this is its wiring into the licensing service).
 */
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueRequestSchema, LicensingService, ListAuditEventsRequestSchema, QueueKind } from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { createQueueHandlers } from './queue-handlers.js';
import { createReadHandlers } from './read-handlers.js';
import { refuseNulCharacters, unimplementedHandlers } from '@acme/grpc';

describe.each(DRIVERS)('requests with U+0000 on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let handlers: ReturnType<typeof guarded>;
  const guarded = (database: Database, rules: Awaited<ReturnType<typeof loadRuleSet>>) =>
    refuseNulCharacters(LicensingService, {
      ...unimplementedHandlers(LicensingService),
      ...createReadHandlers(database),
      ...createQueueHandlers({ db: database, rules: () => rules, now: () => new Date('2026-11-23T10:00:00Z') }),
    });

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'nul'));
    handlers = guarded(db, await loadRuleSet());
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('refuses a queue name with U+0000 as INVALID_ARGUMENT and creates nothing', async () => {
    const error = await refusal(
      handlers.createQueue(
        create(CreateQueueRequestSchema, { kind: QueueKind.CALL, name: 'Front\u0000line' }),
        callContext(),
      ),
    );
    expect(error).toMatchObject({ type: 'invalid_argument', fieldViolations: [{ field: 'name' }] });
    expect(await db.queues.list('acct_demo_goto', {})).toEqual([]);
  });

  it.skipIf(skip)('refuses an audit filter with U+0000 as INVALID_ARGUMENT', async () => {
    const error = await refusal(
      handlers.listAuditEvents(create(ListAuditEventsRequestSchema, { actor: 'usr\u0000' }), callContext()),
    );
    expect(error).toMatchObject({ type: 'invalid_argument', fieldViolations: [{ field: 'actor' }] });
  });
});
