import { toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { events } from '@acme/contracts';
import { accountOf, baseEnvelope, basePlanArb, baseEventId, type BasePlan } from './base-events.js';
import { mutate, mutationArb, type Expectation, type MutationPlan } from './mutations.js';

export interface ScenarioPlan {
  bases: BasePlan[];
  /** Each mutant comes after its original (`base`), `delay` places later at most. */
  mutants: { base: number; delay: number; plan: MutationPlan }[];
}

/** Header naming each published message, so its dead letter can be matched to it. */
export const MESSAGE_HEADER = 'x-test-message';

export interface ScenarioMessage {
  /** `<tag>:<index>`, also in the MESSAGE_HEADER header. */
  id: string;
  key: string;
  value: Uint8Array;
  expect: Expectation;
  /** What it is, for failure messages: `valid licenseAssigned`, `mutant truncate`. */
  what: string;
}

export function scenarioArb(options: {
  maxBases: number;
  maxMutants: number;
  maxOversize: number;
}): fc.Arbitrary<ScenarioPlan> {
  return fc.array(basePlanArb, { minLength: 1, maxLength: options.maxBases }).chain((bases) =>
    fc.record({
      bases: fc.constant(bases),
      mutants: fc.array(
        fc.record({
          base: fc.nat({ max: bases.length - 1 }),
          delay: fc.nat({ max: 2 * options.maxMutants }),
          plan: mutationArb(options.maxOversize),
        }),
        { maxLength: options.maxMutants },
      ),
    }),
  );
}

/**
 * The messages of one run, in publish order: the valid events in their per-account sequence, each
 * mutant placed after its original (a replay or a corrupted copy follows the real thing), the rest
 * interleaved.
 */
export function buildScenario(plan: ScenarioPlan, tag: string): { messages: ScenarioMessage[]; accounts: string[] } {
  const sequences = new Map<number, number>();
  const bases = plan.bases.map((base, index) => {
    const sequence = (sequences.get(base.account) ?? 0) + 1;
    sequences.set(base.account, sequence);
    return baseEnvelope(base, tag, index, sequence);
  });
  const slots: { at: number; message: Omit<ScenarioMessage, 'id'> }[] = bases.map((envelope, index) => ({
    at: index * 1000,
    message: {
      key: envelope.accountId,
      value: toBinary(events.EventEnvelopeSchema, envelope),
      expect: 'recorded',
      what: `valid ${envelope.payload.case}`,
    },
  }));
  plan.mutants.forEach((mutant, index) => {
    const base = bases[mutant.base]!;
    const freshId = baseEventId(tag, 10_000 + index);
    const { key, value, expect } = mutate(base, base.accountId, mutant.plan, freshId);
    slots.push({
      at: mutant.base * 1000 + 1 + mutant.delay * 300,
      message: { key, value, expect, what: `mutant ${mutant.plan.kind} of ${base.payload.case}` },
    });
  });
  slots.sort((a, b) => a.at - b.at);
  return {
    messages: slots.map((slot, index) => ({ id: `${tag}:${index}`, ...slot.message })),
    accounts: [0, 1, 2].map((account) => accountOf(tag, account)),
  };
}
