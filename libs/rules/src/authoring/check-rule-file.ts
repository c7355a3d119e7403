/**
 * One rule file's own problems (checkRule): its schema, id, facts, operators, placeholders, date
 * and effects; and, once every data file is read, the `params` values it names (checkParams).
 */
import { BUILT_IN_OPERATORS, CUSTOM_OPERATORS, FACTS, factsFor, isKnownOperator } from '../engine/catalogue.js';
import { AUTHORIZATION_FACTS, AUTHORIZATION_FAMILY, familyOf } from '../engine/decision-points.js';
import { lookup } from '../engine/render.js';
import {
  factReference,
  walkConditions,
  type LoadedRule,
  type RuleFile,
  type RuleProblem,
} from '../engine/rule-file.js';
import { dataFileOf } from './check-data-and-examples.js';
import { placeholdersOf } from './rule-templates.js';
import { closest } from './fact-shapes.js';
import { ruleSchema } from './rule-schema.js';
import { AUTHORIZATION_FACTS_ONLY } from './rule-schema-catalogue.js';
import { schemaChecker } from './schema-problems.js';

// The structure of schema/rule.schema.json, without its catalogue layer (facts per decision point,
// paths, operators): the checks below report those with clearer messages ("did you mean", which
// point lacks the fact), and a schema error would stop them (editor-schemas.ts).
const ruleSchemaProblems = schemaChecker(ruleSchema({ catalogue: false }));

/** The problems of one rule file; `seenIds` holds the ids of the rule files checked before it. */
export function checkRule(file: string, json: unknown, seenIds: Map<string, string>): RuleProblem[] {
  const schemaProblems = ruleSchemaProblems(file, json);
  if (schemaProblems.length > 0) return schemaProblems;
  const rule = json as RuleFile;
  const problems: RuleProblem[] = [];
  const expectedId = file.replace(/\.rule\.json$/, '').replace('/', '.');
  if (rule.id !== expectedId)
    problems.push({ file, path: '/id', problem: `id "${rule.id}" must match the file's place: "${expectedId}"` });
  const other = seenIds.get(rule.id);
  if (other) problems.push({ file, path: '/id', problem: `duplicate id "${rule.id}" (also in ${other})` });
  else seenIds.set(rule.id, file);
  const forEach = rule.forEach === 'products';
  const known = (fact: string) => rule.decisionPoints.every((point) => factsFor(point, forEach).includes(fact));
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, path) => {
    if (node.fact !== undefined && !known(node.fact))
      problems.push({ file, path: `${path}/fact`, problem: unknownFact(node.fact, rule, forEach) });
    const ref = factReference(node.value);
    if (ref && !known(ref.fact))
      problems.push({ file, path: `${path}/value/fact`, problem: unknownFact(ref.fact, rule, forEach) });
    if (node.operator !== undefined && !isKnownOperator(node.operator))
      problems.push({ file, path: `${path}/operator`, problem: unknownOperator(node.operator) });
  });
  for (const { path, placeholder, fact } of placeholdersOf(rule))
    if (!known(fact))
      problems.push({
        file,
        path,
        problem: `placeholder {{${placeholder}}} names ${unknownFact(fact, rule, forEach)}`,
      });
  problems.push(...authorizationProblems(file, rule, known));
  if (!isCalendarDate(rule.effectiveDate))
    problems.push({
      file,
      path: '/effectiveDate',
      problem: `"${rule.effectiveDate}" is not a calendar date (YYYY-MM-DD)`,
    });
  if (rule.severity === 'info' && !rule.effects?.length)
    problems.push({ file, path: '/effects', problem: 'an info rule must declare at least one effect' });
  (rule.effects ?? []).forEach((e, i) => {
    if (e.days !== undefined && e.type !== 'configuration_retained')
      problems.push({ file, path: `/effects/${i}/days`, problem: `days is for configuration_retained, not ${e.type}` });
  });
  return problems;
}

/**
 * Who-may-act rules are decided before the service reads the account's data (RuleSet.authorize),
 * so they may read only the caller, the account and params, and are never per product.
 */
function authorizationProblems(file: string, rule: RuleFile, provided: (fact: string) => boolean): RuleProblem[] {
  if (familyOf(rule.id) !== AUTHORIZATION_FAMILY) return [];
  const problems: RuleProblem[] = [];
  // A fact the point does not provide is reported as such (unknownFact), not here as well.
  const allowed = (fact: string) => (AUTHORIZATION_FACTS as readonly string[]).includes(fact) || !provided(fact);
  if (rule.forEach)
    problems.push({ file, path: '/forEach', problem: `${AUTHORIZATION_FACTS_ONLY}, never per product` });
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, path) => {
    if (node.fact !== undefined && !allowed(node.fact))
      problems.push({ file, path: `${path}/fact`, problem: `${AUTHORIZATION_FACTS_ONLY}, not "${node.fact}"` });
    const ref = factReference(node.value);
    if (ref && !allowed(ref.fact))
      problems.push({ file, path: `${path}/value/fact`, problem: `${AUTHORIZATION_FACTS_ONLY}, not "${ref.fact}"` });
  });
  for (const { path, placeholder, fact } of placeholdersOf(rule))
    if (!allowed(fact))
      problems.push({ file, path, problem: `${AUTHORIZATION_FACTS_ONLY}, not "${fact}" ({{${placeholder}}})` });
  return problems;
}

function unknownFact(fact: string, rule: RuleFile, forEach: boolean): string {
  if (fact === 'product' && !forEach && FACTS.product)
    return 'unknown fact "product" (only rules with "forEach": "products" have it)';
  const missingAt = rule.decisionPoints.filter((point) => !factsFor(point, forEach).includes(fact));
  if (fact in FACTS) return `fact "${fact}" is not provided at decision point ${missingAt.join(', ')}`;
  const guess = closest(fact, Object.keys(FACTS));
  return `unknown fact "${fact}"${guess ? `: did you mean "${guess}"?` : ` (known: ${Object.keys(FACTS).join(', ')})`}`;
}

/** An operator the engine does not have, with the closest one it has when that looks like a typo. */
function unknownOperator(operator: string): string {
  const decorators = operator.split(':');
  const base = decorators.pop()!;
  const guess = closest(base, [...Object.keys(BUILT_IN_OPERATORS), ...Object.keys(CUSTOM_OPERATORS)]);
  return guess
    ? `unknown operator "${operator}": did you mean "${[...decorators, guess].join(':')}"?`
    : `unknown operator "${operator}" (see the catalogue in libs/rules/README.md)`;
}

const isCalendarDate = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
};

/** Every `params` value a rule names (in a condition, a fact reference or a placeholder) must exist in policies/data. */
export function checkParams(rule: LoadedRule, params: Record<string, unknown>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const check = (dotted: string, path: string) => {
    if (dotted === '' || lookup(params, dotted) !== undefined) return;
    const [file] = dotted.split('.');
    const where =
      file && file in params
        ? `no such value in policies/data/${dataFileOf(file)}.json`
        : `no data file policies/data/${dataFileOf(file ?? '')}.json`;
    problems.push({ file: rule.file, path, problem: `unknown parameter "params.${dotted}" (${where})` });
  };
  const fromJsonPath = (p: unknown) => (typeof p === 'string' ? p.replace(/^\$\.?/, '') : '');
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, path) => {
    if (node.fact === 'params') check(fromJsonPath(node.path), `${path}/path`);
    const ref = factReference(node.value);
    if (ref?.fact === 'params') check(fromJsonPath(ref.path), `${path}/value/path`);
  });
  for (const { path, placeholder } of placeholdersOf(rule))
    if (placeholder.startsWith('params.')) check(placeholder.slice(7), path);
  return problems;
}
