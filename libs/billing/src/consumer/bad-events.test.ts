/**
 * Bad license events straight into the ledger handler (libsql ledger, in-process dead-letter
 * publisher), many runs: malformed, truncated, wrong-schema, oversized and replayed events mixed
 * with valid ones, cut into random batches, with a redelivered tail (a crash between the ledger
 * commit and the offset commit). The handler never throws, records every valid event exactly once
 * with its entries, dead-letters every refused one with a reason, skips unknown types, and logs
 * no line longer than 2 000 characters however big the event.
 * The Kafka + PostgreSQL version of the same property is bad-events.e2e.test.ts.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import {
  LICENSE_EVENTS_DLQ_TOPIC,
  LICENSE_EVENTS_TOPIC,
  type ConsumedMessage,
  type EventMessage,
  type EventPublisher,
} from '@acme/messaging';
import { contradictions, expectedLedger, Tally } from '../../test/bad-events/oracle.js';
import { buildScenario, MESSAGE_HEADER, scenarioArb } from '../../test/bad-events/scenario.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';
import { createLedgerHandler } from './ledger-handler.js';

const RUNS = Number(process.env.BAD_EVENT_RUNS ?? 300);
/** The longest line the handler logged: a hostile event must not flood the log. */
let longestLogLine = 0;
const logger = pino(
  { level: 'info' },
  { write: (line: string) => void (longestLogLine = Math.max(longestLogLine, line.length)) },
);
let ledger: LedgerDatabase | undefined;
afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
});

class CollectingPublisher implements EventPublisher {
  readonly sent: { topic: string; message: EventMessage }[] = [];
  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    for (const message of messages) this.sent.push({ topic, message });
  }
  async close(): Promise<void> {}
}

/** `messages` cut at the given points (taken modulo its length), in order. */
function batches<T>(messages: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (messages.length + 1)))].sort((a, b) => a - b);
  const result: T[][] = [];
  let start = 0;
  for (const point of [...points, messages.length]) {
    if (point > start) result.push(messages.slice(start, point));
    start = Math.max(start, point);
  }
  return result;
}

const count = <T>(items: Iterable<T>, predicate: (item: T) => boolean) => [...items].filter(predicate).length;

describe('ledger handler fed bad events', () => {
  it(
    `records valid events exactly once and refuses or skips the rest (${RUNS} runs)`,
    { timeout: RUNS * 200 + 30_000 },
    async () => {
      let run = 0;
      const tally = new Tally();
      const property = fc.asyncProperty(
        scenarioArb({ maxBases: 8, maxMutants: 12, maxOversize: 20_000 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.nat(),
        async (plan, cuts, redeliverFrom) => {
          const tag = `h${run++}`;
          longestLogLine = 0;
          const { messages } = buildScenario(plan, tag);
          const expected = expectedLedger(messages);
          // Every mutation comes to what it must (a truncated event is refused, a replay is a duplicate...).
          expect(contradictions(messages, expected)).toEqual([]);
          tally.add(messages, expected);

          await ledger?.close();
          ledger = await openLedgerDatabase({ sqlitePath: ':memory:' });
          await ledger.migrate();
          const deadLetters = new CollectingPublisher();
          const handler = createLedgerHandler({ ledger, deadLetters, logger });
          const consumed: ConsumedMessage[] = messages.map((m, offset) => ({
            topic: LICENSE_EVENTS_TOPIC,
            partition: 0,
            offset: String(offset),
            key: m.key,
            value: m.value,
            headers: { [MESSAGE_HEADER]: m.id },
          }));
          for (const batch of batches(consumed, cuts)) await handler.handle(batch);
          const tail = consumed.slice(redeliverFrom % (consumed.length + 1));
          if (tail.length > 0) await handler.handle(tail);

          // The ledger: exactly the expected events, each with exactly its entries.
          const processed = await ledger.processedAfter(null, 10_000);
          expect(processed.map((e) => e.eventId).sort()).toEqual([...expected.events.keys()].sort());
          // Each entry comes with where its event was read from; the entries themselves must match.
          const entries = (await ledger.entriesAfter(null, 10_000)).map(({ source: _source, ...entry }) => entry);
          const wanted = [...expected.events.values()].flat().sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(entries).toEqual(wanted);

          // Dead letters: every refused message (at least once: the redelivered tail sends its own again),
          // byte for byte, under its key, with a reason; nothing else.
          const outcomeOf = (id: string) => expected.outcomes.get(id);
          const refused = messages.filter((m) => outcomeOf(m.id) === 'refused');
          expect(deadLetters.sent.every((d) => d.topic === LICENSE_EVENTS_DLQ_TOPIC)).toBe(true);
          expect(new Set(deadLetters.sent.map((d) => d.message.headers?.[MESSAGE_HEADER]))).toEqual(
            new Set(refused.map((m) => m.id)),
          );
          for (const { message } of deadLetters.sent) {
            const original = messages.find((m) => m.id === message.headers?.[MESSAGE_HEADER])!;
            expect(message.headers?.[DEAD_LETTER_HEADERS.reason], original.what).toMatch(/\S/);
            expect({ key: message.key, value: Buffer.from(message.value) }).toEqual({
              key: original.key,
              value: Buffer.from(original.value),
            });
          }

          const inTail = (outcome: string) => count(tail, (m) => outcomeOf(m.headers![MESSAGE_HEADER]!) === outcome);
          const stats = handler.stats();
          expect(stats.recorded).toBe(expected.events.size);
          expect(stats.duplicates).toBe(
            count(expected.outcomes.values(), (o) => o === 'duplicate') + inTail('recorded') + inTail('duplicate'),
          );
          expect(stats.deadLettered).toBe(refused.length + inTail('refused'));
          expect(Object.values(stats.unknownTypes).reduce((a, b) => a + b, 0)).toBe(
            count(expected.outcomes.values(), (o) => o === 'skipped') + inTail('skipped'),
          );
          expect(longestLogLine).toBeLessThan(2_000);
        },
      );
      await fc.assert(property, { numRuns: RUNS });
      console.info(`bad events into the handler: ${tally}`);
    },
  );
});
