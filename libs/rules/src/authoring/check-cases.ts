import type { DecisionPoint } from '../engine/decision-points.js';
import type { LoadedRule, RuleProblem } from '../engine/rule-file.js';
import { casesSchema } from './cases-schema.js';
import { checkFacts } from './check-data-and-examples.js';
import type { PolicySources } from './checker.js';
import { schemaChecker } from './schema-problems.js';

// The structure of schema/cases.schema.json alone: checkFacts reports unknown or mistyped case
// facts with clearer messages than its catalogue layer would (as for rules: check-rule-file.ts).
const casesSchemaProblems = schemaChecker(casesSchema({ catalogue: false }));

/** A cases file that passed its checks, with the rule beside it. */
export interface CheckedCases {
  file: string;
  rule: LoadedRule;
  cases: RuleCase[];
}

/** One example case of a rule (see schema/cases.schema.json). */
export interface RuleCase {
  name: string;
  point: string;
  facts: Record<string, unknown>;
  fires: boolean;
  allowed?: boolean;
  message?: string;
  effects?: Record<string, unknown>[];
}

/**
 * Checks the cases files against the rules: every rule has a cases file beside it and every cases
 * file a rule; each file matches the schema, names its rule, uses the rule's decision points and
 * has a case where the rule fires and one where it does not.
 */
export function checkCases(sources: PolicySources): { problems: RuleProblem[]; checked: CheckedCases[] } {
  const problems: RuleProblem[] = [];
  const checked: CheckedCases[] = [];
  const casesFileOf = (rule: LoadedRule) => rule.file.replace(/\.rule\.json$/, '.cases.json');
  const ruleByCasesFile = new Map(sources.rules.map((r) => [casesFileOf(r), r]));
  for (const rule of sources.rules) {
    if (!sources.cases.has(casesFileOf(rule)))
      problems.push({
        file: rule.file,
        path: '(root)',
        problem: `rule ${rule.id} has no cases file beside it (${casesFileOf(rule)})`,
      });
  }
  for (const [file, content] of sources.cases) {
    const rule = ruleByCasesFile.get(file);
    const ruleFile = file.replace(/\.cases\.json$/, '.rule.json');
    if (!rule && sources.ruleFiles.has(ruleFile)) continue; // the rule file's own problems are reported
    if (!rule) {
      problems.push({ file, path: '(root)', problem: `no rule file beside it (${ruleFile})` });
      continue;
    }
    const schemaProblems = casesSchemaProblems(file, content);
    if (schemaProblems.length > 0) {
      problems.push(...schemaProblems);
      continue;
    }
    const { rule: ruleId, cases } = content as { rule: string; cases: RuleCase[] };
    const before = problems.length;
    if (ruleId !== rule.id)
      problems.push({ file, path: '/rule', problem: `names "${ruleId}" but the rule beside it is "${rule.id}"` });
    const names = new Set<string>();
    cases.forEach((example, i) => {
      if (!(rule.decisionPoints as string[]).includes(example.point)) {
        problems.push({
          file,
          path: `/cases/${i}/point`,
          problem: `"${example.point}" is not one of the rule's decision points (${rule.decisionPoints.join(', ')})`,
        });
      } else {
        problems.push(...checkFacts(file, example.point as DecisionPoint, example.facts, false, `/cases/${i}/facts`));
      }
      if (names.has(example.name))
        problems.push({ file, path: `/cases/${i}/name`, problem: `duplicate case name "${example.name}"` });
      names.add(example.name);
    });
    if (!cases.some((c) => c.fires))
      problems.push({ file, path: '/cases', problem: `rule ${rule.id} needs at least one case where it fires` });
    if (!cases.some((c) => !c.fires))
      problems.push({
        file,
        path: '/cases',
        problem: `rule ${rule.id} needs at least one case where it does not fire`,
      });
    if (problems.length === before) checked.push({ file, rule, cases });
  }
  return { problems, checked };
}
