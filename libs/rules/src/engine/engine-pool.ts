import { Engine, type RuleResult } from 'json-rules-engine';
import { addCustomOperators } from './operators.js';
import { resolvePath } from './path-resolver.js';
import type { LoadedRule } from './rule-file.js';

/**
 * Engines for one set of rules, each used by one run at a time.
 *
 * Why this exists: json-rules-engine keeps a run's state on the Engine itself. `engine.run()` sets
 * `engine.status` to RUNNING, evaluates the rules priority set by priority set, skips every rule it
 * reaches while the status is not RUNNING, and sets it to FINISHED when its own run ends. Two
 * overlapping runs of one engine (two `decide` calls awaiting at once, as the service does under
 * load) therefore interfere: the run that ends first marks the engine FINISHED, and the other one
 * skips its remaining rules, so a deny rule it never evaluated could read as "did not fire" and
 * allow what it should refuse. Each run therefore takes an engine of its own from this pool.
 * Engines are built once and reused (building one turns every rule's conditions into Rule and
 * Condition objects); more overlapping runs than idle engines build extra ones, and at most
 * MAX_IDLE_ENGINES are kept for reuse.
 */
export class EnginePool {
  readonly rules: Map<string, LoadedRule>;
  private readonly idle: Engine[];
  constructor(rules: LoadedRule[]) {
    this.rules = new Map(rules.map((r) => [r.id, r]));
    this.idle = rules.length > 0 ? [buildEngine(rules)] : [];
  }

  async run(facts: Record<string, unknown>): Promise<{ fired: boolean; result: RuleResult }[]> {
    if (this.rules.size === 0) return [];
    const engine = this.idle.pop() ?? buildEngine([...this.rules.values()]);
    try {
      const { results, failureResults } = await engine.run(facts);
      const out = [
        ...results.map((result) => ({ fired: true, result })),
        ...failureResults.map((result) => ({ fired: false, result })),
      ];
      // Fail closed: a rule without a result must never read as "did not fire".
      if (out.length !== this.rules.size)
        throw new Error(`rule engine evaluated ${out.length} of ${this.rules.size} rules`);
      return out;
    } finally {
      if (this.idle.length < MAX_IDLE_ENGINES) this.idle.push(engine);
    }
  }
}

const MAX_IDLE_ENGINES = 8;

function buildEngine(rules: LoadedRule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  addCustomOperators(engine);
  for (const rule of rules) {
    engine.addRule({
      name: rule.id,
      conditions: rule.rule.conditions as never,
      priority: rule.rule.priority ?? 1,
      event: { type: rule.id },
    });
  }
  return engine;
}
