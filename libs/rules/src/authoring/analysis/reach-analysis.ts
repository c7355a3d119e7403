import type { DecisionPoint } from '../../engine/decision-points.js';
import type { LoadedRule } from '../../engine/rule-file.js';
import { RuleSet, type Decision } from '../../engine/rule-set.js';
import { toTerms, type Term } from './condition-terms.js';
import type { Combination } from './reach-answers.js';
import { denyClauses, fireClause, type Clause, type Scope } from './reach-clauses.js';

/** Decided far in the future, so every rule takes part as it will once in effect. */
const FAR_FUTURE = new Date('2100-01-01');

/**
 * The rules, params and example facts one reach analysis asks about: each rule's clauses, built
 * once (every point and combination asks about them again), and the real rule set that decides the
 * candidate facts.
 */
export class Analysis {
  private readonly terms = new Map<LoadedRule, Term[] | null>();
  private readonly denies = new Map<LoadedRule, Clause[]>();
  private readonly fires = new Map<LoadedRule, Clause | undefined>();
  readonly ruleSet: RuleSet;

  constructor(
    readonly rules: LoadedRule[],
    readonly params: Record<string, unknown>,
    readonly examples: Map<string, Record<string, unknown>>,
  ) {
    this.ruleSet = new RuleSet(rules, params, []);
  }

  termsOf(rule: LoadedRule): Term[] | null {
    if (!this.terms.has(rule)) this.terms.set(rule, toTerms(rule.rule.conditions, this.params));
    return this.terms.get(rule)!;
  }

  /** "The deny rule does not fire"; none for a rule with too many alternatives (it takes no part). */
  denyOf(rule: LoadedRule): Clause[] {
    if (!this.denies.has(rule)) this.denies.set(rule, denyClauses(rule, this.termsOf(rule) ?? []));
    return this.denies.get(rule)!;
  }

  /** "The rule fires"; undefined for a rule with too many alternatives. */
  fireOf(rule: LoadedRule): Clause | undefined {
    if (!this.fires.has(rule)) {
      const terms = this.termsOf(rule);
      this.fires.set(rule, terms ? fireClause(rule, terms) : undefined);
    }
    return this.fires.get(rule);
  }

  scope(point: DecisionPoint, combination: Combination): Scope {
    return { point, params: this.params, fixed: combination, example: this.examples.get(point) ?? {} };
  }

  async decide(point: DecisionPoint, facts: Record<string, unknown>): Promise<Decision | undefined> {
    try {
      return await this.ruleSet.decide(point, facts, { now: FAR_FUTURE });
    } catch {
      return undefined; // facts the rules cannot decide prove nothing
    }
  }
}
