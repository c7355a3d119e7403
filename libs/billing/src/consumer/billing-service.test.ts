/**
 * The billing consumer in embedded mode (no Kafka): the in-process bus feeds the same ledger
 * handler and de-duplication path the Kafka consumer uses.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import {
  InProcessEventBus,
  LICENSE_EVENTS_DLQ_TOPIC,
  LICENSE_EVENTS_TOPIC,
  type ConsumedMessage,
} from '@acme/messaging';
import { licenseAssignedEvent, tempSqlitePath } from '@acme/testing';
import { loadBillingConfig } from '../config.js';
import { startBillingService, type RunningBillingService } from './billing-service.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';

const assigned = (eventId: string, sequence: number) =>
  licenseAssignedEvent({ eventId, accountId: 'acct_1', sequence, userId: 'usr_1' });

describe('billing consumer, embedded', () => {
  const file = tempSqlitePath();
  const bus = new InProcessEventBus();
  const deadLetters: ConsumedMessage[] = [];
  let billing: RunningBillingService;

  beforeAll(async () => {
    await bus.consume(LICENSE_EVENTS_DLQ_TOPIC, async (batch) => void deadLetters.push(...batch));
    billing = await startBillingService({
      config: loadBillingConfig({ BILLING_SQLITE_PATH: file.path, LOG_LEVEL: 'silent' }),
      logger: pino({ level: 'silent' }),
      embedded: { consumer: bus, deadLetters: bus },
    });
  });
  afterAll(async () => {
    await billing.stop();
    file.remove();
  });

  it('records each event once, however often it comes', async () => {
    await bus.publish(LICENSE_EVENTS_TOPIC, [
      { key: 'acct_1', value: assigned('e1', 1) },
      { key: 'acct_1', value: assigned('e1', 1) },
    ]);
    await bus.publish(LICENSE_EVENTS_TOPIC, [
      { key: 'acct_1', value: assigned('e1', 1) },
      { key: 'acct_1', value: assigned('e2', 2) },
    ]);
    expect(await billing.ledger.counts()).toEqual({ processedEvents: 2, ledgerEntries: 2 });
    expect(billing.stats()).toMatchObject({ recorded: 2, duplicates: 2, deadLettered: 0 });
    expect((await billing.ledger.entries('acct_1')).map((e) => [e.kind, e.userId, e.unitPriceMinor])).toEqual([
      ['seat_opened', 'usr_1', 1400],
      ['seat_opened', 'usr_1', 1400],
    ]);
  });

  it('dead-letters garbage and invalid events with the reason, and keeps going', async () => {
    await bus.publish(LICENSE_EVENTS_TOPIC, [
      { key: 'acct_1', value: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
      { key: 'acct_other', value: assigned('e3', 3) },
      { key: 'acct_1', value: assigned('e4', 4) },
    ]);
    expect(deadLetters.map((d) => d.headers?.[DEAD_LETTER_HEADERS.reason])).toEqual([
      expect.stringMatching(/^undecodable: /),
      'kafka key "acct_other" does not match account_id "acct_1"',
    ]);
    expect(deadLetters[1]!.value).toEqual(assigned('e3', 3));
    expect(deadLetters[1]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.topic]: LICENSE_EVENTS_TOPIC,
      [DEAD_LETTER_HEADERS.partition]: '0',
    });
    expect((await billing.ledger.processedAfter(null, 10)).map((p) => p.eventId)).toEqual(['e1', 'e2', 'e4']);
  });

  it('counts and skips event types it does not know', async () => {
    // A newer producer: a type this consumer has never heard of, in a payload field it cannot decode.
    const envelope = fromBinary(events.EventEnvelopeSchema, assigned('e5', 5));
    envelope.eventType = 'license.teleported';
    envelope.payload = { case: undefined };
    await bus.publish(LICENSE_EVENTS_TOPIC, [{ key: 'acct_1', value: toBinary(events.EventEnvelopeSchema, envelope) }]);
    expect(billing.stats().unknownTypes).toEqual({ 'license.teleported': 1 });
    expect((await billing.ledger.counts()).processedEvents).toBe(3);
  });

  it('exposes what it did as metrics', async () => {
    const text = await billing.registry.metrics();
    expect(text).toMatch(/billing_events_recorded_total 3/);
    expect(text).toMatch(/billing_events_duplicate_total 2/);
    expect(text).toMatch(/billing_events_dead_lettered_total 2/);
    expect(text).toMatch(/billing_events_unknown_type_total\{event_type="license.teleported"\} 1/);
  });
});
