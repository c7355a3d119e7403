import type { Decision, RuleSet } from '../engine/rule-set.js';
import { checkCases } from './check-cases.js';
import { CASE_TIME, runCase, type Verification } from './cases.js';

/** The edited policies, verified: their rule set (it must build) and which of their cases pass. */
export type EditedPolicies = Verification & { ruleSet: RuleSet };

/** A decision the service made and logged (the licensing service's decision log holds these). */
export interface RecordedDecision {
  id: string;
  accountId: string;
  requestId: string;
  point: string;
  /** `who_may_act` decisions are replayed with RuleSet.authorize, `rules` ones with decide (authorized). */
  stage: 'who_may_act' | 'rules';
  allowed: boolean;
  ruleSetVersion: string;
  facts: Record<string, unknown>;
  violations: { ruleId: string; message: string }[];
  warnings: { ruleId: string; message: string }[];
  effects: Record<string, unknown>[];
  decidedAt: Date;
}

/** How one rule's part in a decision would change. */
export type FlipKind =
  | 'now_denies'
  | 'stops_denying'
  | 'now_warns'
  | 'stops_warning'
  | 'message_changed'
  | 'effect_added'
  | 'effect_removed';

export interface FlipExample {
  decision: Pick<RecordedDecision, 'id' | 'accountId' | 'requestId' | 'point' | 'decidedAt'>;
  kinds: FlipKind[];
  before: string[];
  after: string[];
}

/** What an edit does to one rule's decisions. */
export interface RuleImpact {
  ruleId: string;
  /** Recorded decisions this rule's part in would change. */
  decisions: number;
  kinds: Partial<Record<FlipKind, number>>;
  points: string[];
  /** Decision points where no case of the rule pins the new behaviour (see impactOf). */
  uncoveredPoints: string[];
  /** The rule is not in the edited set. */
  removed: boolean;
  /** The author named it with --accept: its flips are reviewed, whether cases pin them or not. */
  accepted: boolean;
  examples: FlipExample[];
}

export interface ImpactReport {
  replayed: number;
  /** Recorded decisions at least one rule's part in would change. */
  changed: number;
  nowDenied: number;
  nowAllowed: number;
  rules: RuleImpact[];
  /** Recorded decisions the edited rules cannot decide (they read a fact the log does not hold). */
  undecidable: { decision: RecordedDecision; error: string }[];
  /** True when every flip is covered by a case (or accepted) and every decision could be replayed. */
  covered: boolean;
}

const EXAMPLES_PER_RULE = 3;

/** Key-sorted JSON, so the same effect compares equal whatever order its fields were written in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** One rule's part in a decision: its violation, warning and effects, as text. */
interface Part {
  violation?: string;
  warning?: string;
  effects: string[];
}

function partsOf(outcome: {
  violations: RecordedDecision['violations'];
  warnings: RecordedDecision['warnings'];
  effects: readonly object[];
}): Map<string, Part> {
  const parts = new Map<string, Part>();
  const part = (ruleId: string) => parts.get(ruleId) ?? parts.set(ruleId, { effects: [] }).get(ruleId)!;
  for (const v of outcome.violations) part(v.ruleId).violation = v.message;
  for (const w of outcome.warnings) part(w.ruleId).warning = w.message;
  for (const e of outcome.effects) part(String((e as { ruleId: string }).ruleId)).effects.push(canonical(e));
  for (const p of parts.values()) p.effects.sort();
  return parts;
}

function flipsOf(before: Part | undefined, after: Part | undefined): FlipKind[] {
  const kinds: FlipKind[] = [];
  const b = before ?? { effects: [] };
  const a = after ?? { effects: [] };
  if (a.violation !== undefined && b.violation === undefined) kinds.push('now_denies');
  if (a.violation === undefined && b.violation !== undefined) kinds.push('stops_denying');
  if (a.warning !== undefined && b.warning === undefined) kinds.push('now_warns');
  if (a.warning === undefined && b.warning !== undefined) kinds.push('stops_warning');
  const both = (x?: string, y?: string) => x !== undefined && y !== undefined && x !== y;
  if (both(a.violation, b.violation) || both(a.warning, b.warning)) kinds.push('message_changed');
  if (a.effects.some((e) => !b.effects.includes(e))) kinds.push('effect_added');
  if (b.effects.some((e) => !a.effects.includes(e))) kinds.push('effect_removed');
  return kinds;
}

const describePart = (part: Part | undefined): string[] =>
  part
    ? [
        ...(part.violation !== undefined ? [`denies: ${part.violation}`] : []),
        ...(part.warning !== undefined ? [`warns: ${part.warning}`] : []),
        ...part.effects.map((e) => `effect ${e}`),
      ]
    : [];

/** Decides a recorded decision again with `rules`, as the service decided it (same stage, same day). */
export function replay(rules: RuleSet, recorded: RecordedDecision): Promise<Decision> {
  const options = { now: recorded.decidedAt };
  return recorded.stage === 'who_may_act'
    ? rules.authorize(recorded.point, recorded.facts as { actor: unknown; account: unknown }, options)
    : rules.decide(recorded.point, recorded.facts, { ...options, authorized: true });
}

/**
 * Replays recorded decisions against an edited rule set and reports, per rule, which would flip.
 * A rule's flips at a decision point are **covered** when a passing case of that rule at that
 * point comes out differently for the rule under `base` (the rules the decisions were made with)
 * and under the edit: the edit came with a case that states its new behaviour. A removed rule has
 * no cases: its flips are covered only when accepted.
 */
export async function impactOf(
  recorded: AsyncIterable<RecordedDecision> | Iterable<RecordedDecision>,
  edit: EditedPolicies,
  base: RuleSet,
  options: { accept?: readonly string[] } = {},
): Promise<ImpactReport> {
  const report: ImpactReport = {
    replayed: 0,
    changed: 0,
    nowDenied: 0,
    nowAllowed: 0,
    rules: [],
    undecidable: [],
    covered: true,
  };
  const byRule = new Map<string, RuleImpact & { pointSet: Set<string> }>();
  const editedIds = new Set(edit.ruleSet.rules.map((r) => r.id));
  for await (const decision of recorded) {
    report.replayed += 1;
    let again: Decision;
    try {
      again = await replay(edit.ruleSet, decision);
    } catch (error) {
      report.undecidable.push({ decision, error: (error as Error).message });
      continue;
    }
    if (decision.allowed && !again.allowed) report.nowDenied += 1;
    if (!decision.allowed && again.allowed) report.nowAllowed += 1;
    const before = partsOf(decision);
    const after = partsOf(again);
    let changed = false;
    for (const ruleId of new Set([...before.keys(), ...after.keys()])) {
      const kinds = flipsOf(before.get(ruleId), after.get(ruleId));
      if (kinds.length === 0) continue;
      changed = true;
      const impact =
        byRule.get(ruleId) ??
        byRule
          .set(ruleId, {
            ruleId,
            decisions: 0,
            kinds: {},
            points: [],
            pointSet: new Set(),
            uncoveredPoints: [],
            removed: !editedIds.has(ruleId),
            accepted: options.accept?.includes(ruleId) ?? false,
            examples: [],
          })
          .get(ruleId)!;
      impact.decisions += 1;
      impact.pointSet.add(decision.point);
      for (const kind of kinds) impact.kinds[kind] = (impact.kinds[kind] ?? 0) + 1;
      if (impact.examples.length < EXAMPLES_PER_RULE) {
        const { id, accountId, requestId, point, decidedAt } = decision;
        impact.examples.push({
          decision: { id, accountId, requestId, point, decidedAt },
          kinds,
          before: describePart(before.get(ruleId)),
          after: describePart(after.get(ruleId)),
        });
      }
    }
    if (changed) report.changed += 1;
  }
  const pinned = await pinnedByCases(edit, base);
  for (const { pointSet, ...impact } of byRule.values()) {
    impact.points = [...pointSet].sort();
    impact.uncoveredPoints = impact.accepted
      ? []
      : impact.points.filter((point) => !pinned.has(`${impact.ruleId}@${point}`));
    report.rules.push(impact);
  }
  report.rules.sort((a, b) => b.decisions - a.decisions || a.ruleId.localeCompare(b.ruleId));
  report.covered = report.undecidable.length === 0 && report.rules.every((r) => r.uncoveredPoints.length === 0);
  return report;
}

/**
 * `ruleId@point` for every case of the edited rules that passes with the edit and fails with the
 * base rule set: a case that states what the edit changes (one that merely still passes does not).
 */
async function pinnedByCases(edit: EditedPolicies, base: RuleSet): Promise<Set<string>> {
  const pinned = new Set<string>();
  const passed = new Set(edit.results.filter((r) => r.passed).map((r) => `${r.file}#${r.index}`));
  for (const { file, rule, cases } of checkCases(edit.sources).checked) {
    for (const [index, example] of cases.entries()) {
      if (!passed.has(`${file}#${index}`)) continue;
      const before = await runCase(base, rule.id, example, edit.sources.examples.get(example.point), CASE_TIME);
      if (!before.passed) pinned.add(`${rule.id}@${example.point}`);
    }
  }
  return pinned;
}
