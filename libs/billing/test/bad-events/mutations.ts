import { clone, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { EVENT_TYPE_BY_CASE, events } from '@acme/contracts';

/**
 * What a mutant must come to, known before the consumer sees it:
 * - `recorded`: a valid event of its own (a new id), charged once;
 * - `refused`: the dead-letter topic, with a reason;
 * - `skipped`: an unknown event type, counted and skipped;
 * - `not_charged`: refused or skipped, never in the ledger;
 * - `duplicate`: the same event again: nothing changes;
 * - `any`: random corruption; only the decoder can tell, but it is still handled exactly once.
 */
export type Expectation = 'recorded' | 'refused' | 'skipped' | 'not_charged' | 'duplicate' | 'any';

const ID_FIELDS = ['account_id', 'user_id', 'product_id', 'assignment_id', 'event_id'] as const;
const DROPPABLE = [
  'event_id',
  'account_id',
  'occur_time',
  'sequence',
  'payload',
  'user_id',
  'product_id',
  'price',
  'effective_time',
] as const;

export type MutationPlan =
  | { kind: 'replay' }
  | { kind: 'truncate'; keep: number }
  | { kind: 'flip'; flips: { at: number; mask: number }[] }
  | { kind: 'garbage'; bytes: Uint8Array }
  | {
      kind: 'event-type';
      to: 'other-known' | 'empty' | 'unknown-with-payload' | 'unknown-without-payload';
      pick: number;
      unknown: { wellFormed: boolean; name: string };
    }
  | { kind: 'drop'; field: (typeof DROPPABLE)[number] }
  | { kind: 'wrong-key'; key: string }
  | { kind: 'other-message'; which: 'payload-alone' | 'price' | 'actor' }
  | {
      kind: 'wrong-wire-type';
      field: 1 | 2 | 3 | 4 | 5 | 14;
      wire: 'varint' | 'fixed64' | 'fixed32' | 'bytes';
      value: number;
    }
  | { kind: 'largest-cause' }
  | { kind: 'oversized-cause'; field: 'causation_id' | 'actor.subject'; bytes: number }
  | { kind: 'oversized-id'; field: (typeof ID_FIELDS)[number]; length: number }
  | { kind: 'nul-in-id'; field: (typeof ID_FIELDS)[number] }
  | { kind: 'sequence-out-of-range'; sequence: bigint }
  | { kind: 'time-out-of-range'; field: 'occur_time' | 'effective_time'; seconds: bigint };

/** Seconds of google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

/** Every kind of bad (or replayed) event; `maxOversize` bounds the big ones (bytes or characters). */
export function mutationArb(maxOversize: number): fc.Arbitrary<MutationPlan> {
  const big = fc.integer({ min: 1_000, max: maxOversize });
  return fc.oneof(
    fc.constant({ kind: 'replay' as const }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
    fc.record({
      kind: fc.constant('flip' as const),
      flips: fc.array(fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
    fc.record({
      kind: fc.constant('event-type' as const),
      to: fc.constantFrom(
        'other-known' as const,
        'empty' as const,
        'unknown-with-payload' as const,
        'unknown-without-payload' as const,
      ),
      pick: fc.nat(),
      // A newer producer's type is a dotted lower-case name; anything else is a broken event.
      unknown: fc.oneof(
        fc
          .stringMatching(/^[a-z][a-z0-9_]{0,20}(\.[a-z][a-z0-9_]{0,20}){1,3}$/)
          .map((name) => ({ wellFormed: true, name })),
        fc
          .oneof(
            fc.string().map((s) => `X ${s}`),
            fc.nat({ max: 300 }).map((n) => `a.${'b'.repeat(99 + n)}`),
          )
          .map((name) => ({ wellFormed: false, name })),
      ),
    }),
    fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...DROPPABLE) }),
    fc.record({
      kind: fc.constant('wrong-key' as const),
      key: fc.oneof(fc.constant(''), fc.string(), fc.constant('acct_other')),
    }),
    fc.record({
      kind: fc.constant('other-message' as const),
      which: fc.constantFrom('payload-alone' as const, 'price' as const, 'actor' as const),
    }),
    fc.record({
      kind: fc.constant('wrong-wire-type' as const),
      field: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, 5 as const, 14 as const),
      wire: fc.constantFrom('varint' as const, 'fixed64' as const, 'fixed32' as const, 'bytes' as const),
      value: fc.nat(),
    }),
    fc.constant({ kind: 'largest-cause' as const }),
    fc.record({
      kind: fc.constant('oversized-cause' as const),
      field: fc.constantFrom('causation_id' as const, 'actor.subject' as const),
      bytes: big,
    }),
    fc.record({
      kind: fc.constant('oversized-id' as const),
      field: fc.constantFrom(...ID_FIELDS),
      length: fc.oneof(fc.integer({ min: 65, max: 200 }), big),
    }),
    fc.record({ kind: fc.constant('nul-in-id' as const), field: fc.constantFrom(...ID_FIELDS) }),
    fc.record({
      kind: fc.constant('sequence-out-of-range' as const),
      sequence: fc.bigInt({ min: 2n ** 31n, max: 2n ** 64n - 1n }),
    }),
    fc.record({
      kind: fc.constant('time-out-of-range' as const),
      field: fc.constantFrom('occur_time' as const, 'effective_time' as const),
      seconds: fc.oneof(
        fc.bigInt({ min: -8_640_000_000_000n, max: MIN_SECONDS - 1n }),
        fc.bigInt({ min: MAX_SECONDS + 1n, max: 8_640_000_000_000n }),
      ),
    }),
  );
}

export interface Mutant {
  key: string;
  value: Uint8Array;
  expect: Expectation;
}

/**
 * Applies `plan` to a valid envelope (published under `key`). `freshId` names the event when the
 * mutant is meant to be an event of its own (so that its fate is not tied to the original's).
 */
export function mutate(base: events.EventEnvelope, key: string, plan: MutationPlan, freshId: string): Mutant {
  const bytes = toBinary(events.EventEnvelopeSchema, base);
  const copy = () => clone(events.EventEnvelopeSchema, base);
  const fresh = () => Object.assign(copy(), { eventId: freshId });
  const encode = (envelope: events.EventEnvelope, expect: Expectation, withKey = key): Mutant => ({
    key: withKey,
    value: toBinary(events.EventEnvelopeSchema, envelope),
    expect,
  });
  // featuresChanged is the scenarios' only no-charge event: the ledger ignores its payload.
  const money = base.payload.case !== 'featuresChanged';
  switch (plan.kind) {
    case 'replay':
      return { key, value: bytes, expect: 'duplicate' };
    case 'truncate':
      // Every strict prefix lacks the payload (the last field) or cuts a field short.
      return { key, value: bytes.slice(0, plan.keep % bytes.length), expect: 'refused' };
    case 'flip': {
      const value = bytes.slice();
      for (const { at, mask } of plan.flips) value[at % value.length]! ^= mask;
      return { key, value, expect: 'any' };
    }
    case 'garbage':
      return { key, value: plan.bytes, expect: 'any' };
    case 'event-type': {
      const envelope = copy();
      const types = Object.values(EVENT_TYPE_BY_CASE).filter((t) => t !== base.eventType);
      if (plan.to === 'other-known') envelope.eventType = types[plan.pick % types.length]!;
      else if (plan.to === 'empty') envelope.eventType = '';
      else envelope.eventType = plan.unknown.name;
      if (plan.to !== 'unknown-without-payload') return encode(envelope, 'refused');
      envelope.payload = { case: undefined };
      envelope.eventId = freshId;
      return encode(envelope, plan.unknown.wellFormed ? 'skipped' : 'refused');
    }
    case 'drop':
      return dropField(copy(), plan.field, money, encode);
    case 'wrong-key':
      return { key: plan.key === base.accountId ? `${plan.key}x` : plan.key, value: bytes, expect: 'refused' };
    case 'other-message':
      return { key, value: otherMessage(base, plan.which), expect: 'not_charged' };
    case 'wrong-wire-type':
      return { key, value: wrongWireType(copy(), plan, freshId), expect: 'any' };
    case 'largest-cause':
    case 'oversized-cause': {
      // The ledger keeps the cause (causation id, actor) in columns of 200 characters: the
      // largest fits, anything larger is refused before it reaches them.
      const envelope = copy();
      envelope.eventId = freshId;
      const size = (field: string) => (plan.kind === 'oversized-cause' && plan.field === field ? plan.bytes : 200);
      envelope.causationId = 'c'.repeat(size('causation_id'));
      envelope.actor = {
        $typeName: 'acme.licensing.events.v1.Actor',
        subject: 's'.repeat(size('actor.subject')),
        kind: events.ActorKind.USER,
      };
      return encode(envelope, plan.kind === 'largest-cause' ? 'recorded' : 'refused');
    }
    // The rest are events of their own (a fresh id): as a redelivery of the original they would
    // be de-duplicated before anything looked at them.
    case 'oversized-id':
      return setId(fresh(), plan.field, 'x'.repeat(plan.length), key, money, encode);
    case 'nul-in-id':
      return setId(fresh(), plan.field, `usr_\u0000_${freshId}`.slice(0, 64), key, money, encode);
    case 'sequence-out-of-range': {
      const envelope = fresh();
      envelope.sequence = plan.sequence;
      return encode(envelope, 'refused');
    }
    case 'time-out-of-range': {
      const envelope = fresh();
      const at = { $typeName: 'google.protobuf.Timestamp' as const, seconds: plan.seconds, nanos: 0 };
      if (plan.field === 'occur_time') envelope.occurTime = at;
      else if (!setPayloadField(envelope, 'effectiveTime', at)) return encode(envelope, 'recorded');
      return encode(envelope, plan.field === 'occur_time' || money ? 'refused' : 'recorded');
    }
  }
}

type Encode = (envelope: events.EventEnvelope, expect: Expectation, withKey?: string) => Mutant;

function dropField(
  envelope: events.EventEnvelope,
  field: (typeof DROPPABLE)[number],
  money: boolean,
  encode: Encode,
): Mutant {
  switch (field) {
    case 'event_id':
      envelope.eventId = '';
      return encode(envelope, 'refused');
    case 'account_id':
      envelope.accountId = '';
      return encode(envelope, 'refused');
    case 'occur_time':
      envelope.occurTime = undefined;
      return encode(envelope, 'refused');
    case 'sequence':
      envelope.sequence = 0n;
      return encode(envelope, 'refused');
    case 'payload':
      envelope.payload = { case: undefined };
      return encode(envelope, 'refused');
    default: {
      const local = (
        { user_id: 'userId', product_id: 'productId', price: 'price', effective_time: 'effectiveTime' } as const
      )[field];
      const had = setPayloadField(envelope, local, local === 'price' || local === 'effectiveTime' ? undefined : '');
      // Payload fields matter only where money does: a no-charge event without them is the same event.
      return encode(envelope, had && money ? 'refused' : 'duplicate');
    }
  }
}

function setId(
  envelope: events.EventEnvelope,
  field: (typeof ID_FIELDS)[number],
  value: string,
  key: string,
  money: boolean,
  encode: Encode,
): Mutant {
  if (field === 'event_id') envelope.eventId = value;
  else if (field === 'account_id') {
    // Published under the same (bad) account id as key, so the key check cannot be what refuses it.
    envelope.accountId = value;
    return encode(envelope, 'refused', value);
  } else {
    const local = ({ user_id: 'userId', product_id: 'productId', assignment_id: 'assignmentId' } as const)[field];
    // The ledger neither reads nor stores a no-charge event's payload: still a valid event.
    if (!setPayloadField(envelope, local, value) || !money) return encode(envelope, 'recorded', key);
  }
  return encode(envelope, 'refused', key);
}

/** Sets a payload field where the payload's message has it; false when it has no such field. */
function setPayloadField(envelope: events.EventEnvelope, local: string, value: unknown): boolean {
  const payloadCase = envelope.payload.case;
  const field = events.EventEnvelopeSchema.fields.find((f) => f.localName === payloadCase);
  if (field?.fieldKind !== 'message' || !field.message.fields.some((f) => f.localName === local)) return false;
  (envelope.payload.value as Record<string, unknown>)[local] = value;
  return true;
}

/** Valid protobuf of another message: the payload alone, a price, an actor. */
function otherMessage(base: events.EventEnvelope, which: 'payload-alone' | 'price' | 'actor'): Uint8Array {
  if (which === 'actor')
    return toBinary(
      events.ActorSchema,
      base.actor ?? { $typeName: 'acme.licensing.events.v1.Actor', subject: 'x', kind: 1 },
    );
  const payload = base.payload;
  if (which === 'price' || payload.case === undefined) {
    return toBinary(events.SeatPriceSchema, {
      $typeName: 'acme.licensing.events.v1.SeatPrice',
      unitPrice: { $typeName: 'acme.licensing.events.v1.Money', currencyCode: 'USD', amountMinor: 1n },
      billingPeriod: 'month',
      billingBasis: events.BillingBasis.PURCHASED_SEATS,
    });
  }
  const schema = events.EventEnvelopeSchema.fields.find((f) => f.localName === payload.case)!;
  if (schema.fieldKind !== 'message') throw new Error(`payload ${payload.case} is not a message`);
  return toBinary(schema.message, payload.value as never);
}

/** The envelope with one field replaced by a value of the wrong wire type (a wrong field type). */
function wrongWireType(
  envelope: events.EventEnvelope,
  plan: Extract<MutationPlan, { kind: 'wrong-wire-type' }>,
  freshId: string,
): Uint8Array {
  if (plan.field === 1) envelope.eventId = '';
  if (plan.field === 2) envelope.eventType = '';
  if (plan.field === 3) envelope.accountId = '';
  if (plan.field === 4) envelope.occurTime = undefined;
  if (plan.field === 5) envelope.sequence = 0n;
  if (plan.field === 14) envelope.payload = { case: undefined };
  const writer = new BinaryWriter();
  writer.raw(toBinary(events.EventEnvelopeSchema, envelope));
  if (plan.wire === 'varint') writer.tag(plan.field, WireType.Varint).uint64(plan.value);
  else if (plan.wire === 'fixed64') writer.tag(plan.field, WireType.Bit64).fixed64(plan.value);
  else if (plan.wire === 'fixed32') writer.tag(plan.field, WireType.Bit32).fixed32(plan.value);
  // Bytes in the event id's place make it a string again, and a valid event may follow: the run's
  // fresh id (not a fixed filler), or two runs sharing the ledger would make the same event and
  // the second would meet the first's id (found by a CI run: "AAAA…" recorded by an earlier run).
  else if (plan.field === 1)
    writer.tag(plan.field, WireType.LengthDelimited).bytes(Buffer.from(plan.value % 40 === 0 ? '' : freshId));
  else writer.tag(plan.field, WireType.LengthDelimited).bytes(new Uint8Array(plan.value % 40).fill(0x41));
  return writer.finish();
}
