import type { DecisionPoint } from '../../engine/decision-points.js';
import type { LoadedRule, RuleProblem } from '../../engine/rule-file.js';
import { ACCOUNT_VALUES } from './fact-domains.js';

/** What the reach analysis answers (reach.ts), per decision point and combination of account values. */

/** Account values a question fixes: `account.style` -> `goto`. */
export type Combination = ReadonlyMap<string, string>;

export type Answer =
  | { kind: 'yes'; facts: Record<string, unknown>; changes: string[] }
  | {
      kind: 'never';
      /**
       * denied: what the deny rules ask of the facts (a problem); closed: one deny rule fires on every
       * request with these account values, by them and params alone (a decision); point: the point
       * never allows here; dead: the rule itself never fires here.
       */
      because: 'denied' | 'closed' | 'point' | 'dead';
      proof: string;
      rules: LoadedRule[];
    }
  | { kind: 'unknown'; reason: string };

export interface EffectReach {
  rule: LoadedRule;
  types: string[];
  answer: Answer;
}

export interface CombinationReach {
  combination: Combination;
  allow: Answer;
  /** Each rule of the point with effects: can it fire in an allowed decision? */
  effects: EffectReach[];
}

export interface PointReach {
  point: DecisionPoint;
  /** The enumerated account values the point's rules read (the combinations are over these). */
  fields: string[];
  combinations: CombinationReach[];
}

/** A warn or info rule that can never fire (by its own conditions); switched off: only because of a params value. */
export interface RuleFiring {
  rule: LoadedRule;
  fires: 'never' | 'switched off';
  why: string;
  at: string;
}

export interface ReachReport {
  points: PointReach[];
  neverFiring: RuleFiring[];
  problems: RuleProblem[];
}

/** Every combination of values of `fields` that agrees with `base`. */
export function combinationsOf(fields: string[], base: Combination = new Map()): Combination[] {
  return fields.reduce<Combination[]>(
    (combinations, field) =>
      base.has(field)
        ? combinations
        : combinations.flatMap((c) => ACCOUNT_VALUES[field]!.map((v) => new Map([...c, [field, v]]))),
    [new Map(base)],
  );
}

export const describeCombination = (c: Combination): string =>
  c.size === 0 ? 'any account' : [...c].map(([field, value]) => `${field} "${value}"`).join(', ');

/** The effect types a rule declares, each once. */
export const effectTypes = (rule: LoadedRule): string[] => [...new Set((rule.effects ?? []).map((e) => e.type))];
