/**
 * The event checks and the ledger's columns agree, on both databases: an event at every limit
 * (64-character ids, sequence 2^31-1, the first and last valid timestamps) is recorded, and one
 * just past a limit is dead-lettered, never handed to the database. Before the checks matched the
 * columns, PostgreSQL refused such events inside the batch transaction, and the consumer retried
 * that batch forever (bad-events.e2e.test.ts found it).
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import { LICENSE_EVENTS_TOPIC, type EventMessage, type EventPublisher } from '@acme/messaging';
import { licenseAssignedEvent, tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { createLedgerHandler } from './ledger-handler.js';

const pg = await withPostgresDatabase('ledgerlimits');
const file = tempSqlitePath();
const logger = pino({ level: 'silent' });
const ledgers: Record<string, LedgerDatabase> = {};
beforeAll(async () => {
  ledgers.libsql = await openLedgerDatabase({ sqlitePath: file.path });
  if (!pg.skip) ledgers.postgres = await openLedgerDatabase({ databaseUrl: pg.url, poolSize: 2 });
  for (const ledger of Object.values(ledgers)) await ledger.migrate();
});
afterAll(async () => {
  for (const ledger of Object.values(ledgers)) await ledger.close();
  file.remove();
});

const at = (seconds: bigint) => create(TimestampSchema, { seconds });
const id64 = (prefix: string) => prefix.padEnd(64, 'x');

/** A license.assigned event with `change` applied; the key follows the account id. */
function event(eventId: string, change: (e: events.EventEnvelope) => void): EventMessage {
  const envelope = fromBinary(
    events.EventEnvelopeSchema,
    licenseAssignedEvent({ eventId, accountId: 'acct_limits', sequence: 1 }),
  );
  change(envelope);
  return { key: envelope.accountId, value: toBinary(events.EventEnvelopeSchema, envelope) };
}
const payload = (e: events.EventEnvelope) => e.payload.value as events.LicenseAssigned;

const atTheLimits: [string, EventMessage][] = [
  [
    '64-character ids',
    event(id64('evt_ids'), (e) =>
      Object.assign(payload(e), { userId: id64('usr'), productId: id64('prd'), assignmentId: id64('asg') }),
    ),
  ],
  ['a 64-character account id', event('evt_account', (e) => (e.accountId = id64('acct')))],
  ['sequence 2^31-1', event('evt_sequence', (e) => (e.sequence = 2n ** 31n - 1n))],
  ['effective 0001-01-01T00:00:00Z', event('evt_first_day', (e) => (payload(e).effectiveTime = at(-62_135_596_800n)))],
  [
    'effective 9999-12-31T23:59:59Z',
    event('evt_last_second', (e) => (payload(e).effectiveTime = at(253_402_300_799n))),
  ],
];
const pastTheLimits: [string, EventMessage][] = [
  ['a 65-character user id', event('evt_long_user', (e) => (payload(e).userId = 'u'.repeat(65)))],
  ['a 65-character account id', event('evt_long_account', (e) => (e.accountId = 'a'.repeat(65)))],
  ['a NUL in the product id', event('evt_nul', (e) => (payload(e).productId = 'prd_\u0000'))],
  ['sequence 2^31', event('evt_big_sequence', (e) => (e.sequence = 2n ** 31n))],
  ['effective in year 10000', event('evt_year_10000', (e) => (payload(e).effectiveTime = at(253_402_300_800n)))],
  ['effective in 5000 BC', event('evt_5000_bc', (e) => (payload(e).effectiveTime = at(-219_950_000_000n)))],
];

describe.each(['libsql', 'postgres'])('ledger limits on %s', (dialect) => {
  it.skipIf(dialect === 'postgres' && pg.skip)(
    'records events at every limit and dead-letters those past one, in one batch',
    async () => {
      const ledger = ledgers[dialect]!;
      const dead: EventMessage[] = [];
      const deadLetters: EventPublisher = {
        publish: async (_topic, messages) => void dead.push(...messages),
        close: async () => {},
      };
      const handler = createLedgerHandler({ ledger, deadLetters, logger });
      const all = [...atTheLimits, ...pastTheLimits].map(([, m], offset) => ({
        ...m,
        topic: LICENSE_EVENTS_TOPIC,
        partition: 0,
        offset: String(offset),
      }));
      await handler.handle(all);
      expect(handler.stats()).toMatchObject({ recorded: atTheLimits.length, deadLettered: pastTheLimits.length });
      expect(dead.map((d) => d.value)).toEqual(pastTheLimits.map(([, m]) => m.value));
      const recorded = (await ledger.processedAfter(null, 100)).map((e) => e.eventId);
      expect(recorded.sort()).toEqual(
        atTheLimits.map(([, m]) => fromBinary(events.EventEnvelopeSchema, m.value).eventId).sort(),
      );
      const entries = (await ledger.entriesAfter(null, 100)).map((e) => e.effectiveAt.toISOString());
      expect(entries).toEqual(expect.arrayContaining(['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.000Z']));
    },
  );
});
