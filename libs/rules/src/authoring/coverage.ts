/**
 * Condition coverage of the cases (`npm run rules -- test --coverage`): for every rule, whether its
 * own cases made it fire and not fire, and for every leaf condition whether some evaluation in
 * those cases made it hold and some made it fail. A condition that only ever held could be
 * dropped, or changed to always hold, and no case would notice.
 */
import type { CaseResult } from './cases.js';
import type { Decision } from '../engine/rule-set.js';
import { factReference, walkConditions, type LoadedRule } from '../engine/rule-file.js';

export interface ConditionCoverage {
  /** JSON pointer from /rule/conditions, as in the decision's trace (`/all/1`). */
  at: string;
  /** `fact.path operator value`, the value as written (a fact it names as `params.path`). */
  label: string;
  held: boolean;
  failed: boolean;
  /**
   * On data values alone (`params`, compared with a literal or with params): the same in every
   * case, since cases cannot change the data files, so left out of the count and not required.
   */
  setting: boolean;
}

export interface RuleCoverage {
  ruleId: string;
  file: string;
  fired: boolean;
  notFired: boolean;
  conditions: ConditionCoverage[];
}

export interface CoverageReport {
  rules: RuleCoverage[];
  /** Leaf conditions that held in some case and failed in some case, of `total` (settings left out). */
  covered: number;
  total: number;
  settings: number;
  /** What is not covered both ways, one line each: `file: /rule/conditions/all/1: label: no case makes it fail`. */
  uncovered: string[];
  /** Every rule fired and did not, every condition held and failed. */
  full: boolean;
}

/** Only what the rule's own cases asked for counts: another rule's case asserts nothing about it. */
type CaseDecisions = Pick<CaseResult, 'ruleId'> & { decision?: Decision };

const pathLabel = (fact: string, path?: string) => [fact, ...(path ? [path.replace(/^\$\.?/, '')] : [])].join('.');

function valueLabel(value: unknown): string {
  const ref = factReference(value);
  return ref ? pathLabel(ref.fact, ref.path) : JSON.stringify(value);
}

/** Every leaf condition of a rule, in file order, with its place and label. */
function leafConditions(rule: LoadedRule): Omit<ConditionCoverage, 'held' | 'failed'>[] {
  const leaves: Omit<ConditionCoverage, 'held' | 'failed'>[] = [];
  walkConditions(rule.rule.conditions, '', (node, at) => {
    if (node.fact === undefined) return;
    const label = `${pathLabel(node.fact, node.path)} ${node.operator} ${valueLabel(node.value)}`;
    const ref = factReference(node.value);
    leaves.push({ at: at || '/', label, setting: node.fact === 'params' && (!ref || ref.fact === 'params') });
  });
  return leaves;
}

/** Coverage of `rules` by the decisions their cases made (each case's `decision`, see runCases). */
export function conditionCoverage(rules: readonly LoadedRule[], results: readonly CaseDecisions[]): CoverageReport {
  const report: CoverageReport = { rules: [], covered: 0, total: 0, settings: 0, uncovered: [], full: true };
  for (const rule of rules) {
    const conditions = new Map(leafConditions(rule).map((c) => [c.at, { ...c, held: false, failed: false }]));
    const coverage: RuleCoverage = { ruleId: rule.id, file: rule.file, fired: false, notFired: false, conditions: [] };
    // One trace entry per evaluation: per product for forEach rules, so each product counts.
    const evaluations = results
      .filter((r) => r.ruleId === rule.id)
      .flatMap((r) => r.decision?.trace.filter((t) => t.ruleId === rule.id) ?? []);
    for (const evaluation of evaluations) {
      if (evaluation.fired) coverage.fired = true;
      else coverage.notFired = true;
      for (const c of evaluation.conditions) {
        const entry = conditions.get(c.at);
        // Not evaluated (json-rules-engine stopped early) is neither held nor failed.
        if (!entry || c.evaluated === false) continue;
        if (c.result) entry.held = true;
        else entry.failed = true;
      }
    }
    coverage.conditions = [...conditions.values()];
    report.rules.push(coverage);

    const where = `${rule.file}: /rule/conditions`;
    if (!coverage.fired) report.uncovered.push(`${rule.file}: (root): no case makes the rule fire`);
    if (!coverage.notFired) report.uncovered.push(`${rule.file}: (root): no case keeps the rule from firing`);
    for (const c of coverage.conditions) {
      if (c.setting) {
        report.settings += 1;
        continue;
      }
      report.total += 1;
      if (c.held && c.failed) report.covered += 1;
      const never = [...(c.held ? [] : ['hold']), ...(c.failed ? [] : ['fail'])];
      if (never.length > 0)
        report.uncovered.push(
          `${where}${c.at === '/' ? '' : c.at}: ${c.label}: no case makes it ${never.join(' or ')}`,
        );
    }
  }
  report.full = report.uncovered.length === 0;
  return report;
}

const mark = (covered: boolean) => (covered ? '✓' : '✗');

/** The report as `rules test --coverage` prints it. */
export function formatCoverage(report: CoverageReport): string {
  const lines = ["Coverage (each rule's own cases):"];
  for (const rule of report.rules) {
    lines.push(`${rule.ruleId}: fired ${mark(rule.fired)} not fired ${mark(rule.notFired)}`);
    for (const c of rule.conditions)
      lines.push(
        c.setting
          ? `  setting (${c.held ? 'holds' : c.failed ? 'fails' : 'not evaluated'})  ${c.label}: a data value, cases cannot change it`
          : `  held ${mark(c.held)} failed ${mark(c.failed)}  ${c.label}`,
      );
  }
  const bothWays = report.rules.filter((r) => r.fired && r.notFired).length;
  const settings = report.settings ? ` (${report.settings} on data values alone left out)` : '';
  lines.push(
    `${report.covered} of ${report.total} conditions covered both ways${settings}; ` +
      `${bothWays} of ${report.rules.length} rules fired and not fired`,
  );
  return lines.join('\n');
}
