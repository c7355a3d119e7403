import { create, toBinary } from '@bufbuild/protobuf';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import { InProcessEventBus, LICENSE_EVENTS_TOPIC } from '@acme/messaging';
import { startBillingConsumer } from './billing-consumer.js';

const envelope = (eventType: string) =>
  toBinary(events.EventEnvelopeSchema, create(events.EventEnvelopeSchema, { eventId: crypto.randomUUID(), eventType, accountId: 'acct_1', sequence: 1n }));

describe('billing consumer (embedded delivery)', () => {
  it('decodes license events from the bus and counts them by type', async () => {
    const bus = new InProcessEventBus();
    const consumer = await startBillingConsumer({ subscriber: bus, logger: pino({ level: 'silent' }) });
    await bus.publish(LICENSE_EVENTS_TOPIC, [
      { key: 'acct_1', value: envelope('license.assigned') },
      { key: 'acct_1', value: envelope('license.assigned') },
      { key: 'acct_1', value: envelope('seats.purchased') },
    ]);
    expect(consumer.stats()).toEqual({ handled: 3, undecodable: 0, byType: { 'license.assigned': 2, 'seats.purchased': 1 } });
    await consumer.stop();
  });

  it('skips undecodable bytes without stopping', async () => {
    const bus = new InProcessEventBus();
    const consumer = await startBillingConsumer({ subscriber: bus, logger: pino({ level: 'silent' }) });
    await bus.publish(LICENSE_EVENTS_TOPIC, [{ key: 'acct_1', value: new Uint8Array([0xff, 0xff, 0xff]) }, { key: 'acct_1', value: envelope('license.unassigned') }]);
    expect(consumer.stats()).toMatchObject({ handled: 1, undecodable: 1 });
  });
});
