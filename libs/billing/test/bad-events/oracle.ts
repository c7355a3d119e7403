import { fromBinary } from '@bufbuild/protobuf';
import { events } from '@acme/contracts';
import type { LedgerEntry } from '@acme/billing-data-access';
import { interpretEvent } from '../../src/ledger/entries-from-event.js';
import type { Expectation } from './mutations.js';
import type { ScenarioMessage } from './scenario.js';

export type Outcome = 'recorded' | 'duplicate' | 'refused' | 'skipped';

export interface ExpectedLedger {
  /** Per message id, what the consumer must do with it. */
  outcomes: Map<string, Outcome>;
  /** Event id -> the entries of its first valid occurrence (none for a no-charge event). */
  events: Map<string, LedgerEntry[]>;
}

/**
 * What the consumer must do with each message, in order: the decoder and `interpretEvent` (unit
 * tested on their own) say valid, refused or unknown; the first valid occurrence of an event id
 * is recorded, later ones are duplicates. The consumer under test is then held to this exactly.
 */
export function expectedLedger(messages: ScenarioMessage[]): ExpectedLedger {
  const outcomes = new Map<string, Outcome>();
  const recorded = new Map<string, LedgerEntry[]>();
  for (const message of messages) {
    let envelope: events.EventEnvelope;
    try {
      envelope = fromBinary(events.EventEnvelopeSchema, message.value);
    } catch {
      outcomes.set(message.id, 'refused');
      continue;
    }
    const meaning = interpretEvent(envelope, { key: message.key });
    if (meaning.outcome === 'invalid') outcomes.set(message.id, 'refused');
    else if (meaning.outcome === 'unknown_type') outcomes.set(message.id, 'skipped');
    else if (recorded.has(envelope.eventId)) outcomes.set(message.id, 'duplicate');
    else {
      outcomes.set(message.id, 'recorded');
      recorded.set(envelope.eventId, meaning.outcome === 'entries' ? meaning.entries : []);
    }
  }
  return { outcomes, events: recorded };
}

const ALLOWED: Record<Expectation, readonly Outcome[]> = {
  recorded: ['recorded'],
  refused: ['refused'],
  skipped: ['skipped'],
  not_charged: ['refused', 'skipped'],
  duplicate: ['duplicate'],
  any: ['recorded', 'duplicate', 'refused', 'skipped'],
};

/** Messages whose decoded fate contradicts what their mutation must come to. */
export function contradictions(messages: ScenarioMessage[], expected: ExpectedLedger): string[] {
  return messages
    .filter((m) => !ALLOWED[m.expect].includes(expected.outcomes.get(m.id)!))
    .map((m) => `${m.id} (${m.what}): expected ${m.expect}, the decoder says ${expected.outcomes.get(m.id)}`);
}

/** How many messages of each kind were sent and what became of them, for the test's report. */
export class Tally {
  private readonly kinds = new Map<string, number>();
  private readonly outcomes = new Map<Outcome, number>();
  private messages = 0;

  add(messages: ScenarioMessage[], expected: ExpectedLedger): void {
    for (const m of messages) {
      const kind = m.what.replace(/ of \w+$/, '').replace(/^valid \w+$/, 'valid');
      this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
      const outcome = expected.outcomes.get(m.id)!;
      this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    }
    this.messages += messages.length;
  }

  toString(): string {
    const list = (map: Map<string, number>) =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    return `${this.messages} messages; ${list(this.outcomes)}; by kind: ${list(this.kinds)}`;
  }
}
