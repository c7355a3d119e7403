import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import {
  BUILT_IN_OPERATORS,
  CUSTOM_OPERATORS,
  FACTS,
  factShape,
  factsFor,
  isKnownOperator,
  requiredFacts,
} from '../engine/catalogue.js';
import { checkContradictions } from './analysis/contradictions.js';
import { checkReach } from './analysis/reach.js';
import { DATA_SCHEMAS } from './data-schemas.js';
import { casesSchema, ruleSchema } from './editor-schemas.js';
import {
  AUTHORIZATION_FACTS,
  AUTHORIZATION_FAMILY,
  DECISION_POINTS,
  familyOf,
  isDecisionPoint,
  type DecisionPoint,
} from '../engine/decision-points.js';
import { closest, conformance } from './fact-shapes.js';
import { checkFactUse } from './fact-use.js';
import { lookup, placeholders } from '../engine/render.js';
import {
  factReference,
  walkConditions,
  type LoadedRule,
  type RuleFile,
  type RuleProblem,
} from '../engine/rule-file.js';

/** Everything read from a policies directory, and what is wrong with it. */
export interface PolicySources {
  rules: LoadedRule[];
  /** Data files by name (file name without .json). */
  params: Record<string, unknown>;
  /** Cases files: path -> parsed content. */
  cases: Map<string, unknown>;
  /** Example facts per decision point (examples/<point>.json). */
  examples: Map<string, Record<string, unknown>>;
  /** Every *.rule.json file found, valid or not. */
  ruleFiles: Set<string>;
  /** Every file's path and text, for the rule set version. */
  contents: { file: string; text: string }[];
  problems: RuleProblem[];
}

const ajv = new Ajv({ allErrors: true, strict: false });
// The structure of schema/rule.schema.json and schema/cases.schema.json, without their catalogue
// layer (facts per decision point, paths, operators, case facts): the checks below report those
// with clearer messages ("did you mean", which point lacks the fact), and a schema error would
// stop them (editor-schemas.ts).
const validateRule = ajv.compile(ruleSchema({ catalogue: false }));
const validateCases = ajv.compile(casesSchema({ catalogue: false }));
const validateData = new Map(Object.entries(DATA_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listJsonFiles(path));
    else if (entry.endsWith('.json')) out.push(path);
  }
  return out;
}

function schemaProblem(file: string, error: ErrorObject): RuleProblem {
  const path = error.instancePath || '(root)';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { file, path, problem: `missing required ${path === '(root)' ? 'metadata' : 'property'} "${missing}"` };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      file,
      path,
      problem: `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`,
    };
  }
  if (error.keyword === 'enum') {
    return {
      file,
      path,
      problem: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { file, path, problem: error.message ?? 'invalid' };
}

/**
 * Every policy file of a directory (`*.json`, recursively) with its text, in a stable order: what
 * the rule set's version hashes, and what the watcher compares with the active set.
 */
export function readPolicyContents(dir: string): { file: string; text: string }[] {
  return listJsonFiles(dir).map((path) => ({
    file: relative(dir, path).split(sep).join('/'),
    text: readFileSync(path, 'utf8'),
  }));
}

/** Reads and checks a policies directory without building engines. */
export function readPolicies(dir: string): PolicySources {
  const sources: PolicySources = {
    rules: [],
    params: {},
    cases: new Map(),
    examples: new Map(),
    ruleFiles: new Set(),
    contents: [],
    problems: [],
  };
  try {
    sources.contents = readPolicyContents(dir);
  } catch (error) {
    sources.problems.push({
      file: dir,
      path: '(root)',
      problem: `cannot read the policies directory: ${(error as Error).message}`,
    });
    return sources;
  }
  const seenIds = new Map<string, string>();
  for (const { file, text } of sources.contents) {
    if (file.endsWith('.rule.json')) sources.ruleFiles.add(file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      sources.problems.push({ file, path: '(root)', problem: `invalid JSON: ${(error as Error).message}` });
      continue;
    }
    if (file.startsWith('data/')) {
      sources.params[camel(file.slice(5, -5))] = json;
      sources.problems.push(...checkData(file, json));
    } else if (file.startsWith('examples/')) {
      const point = file.slice(9, -5);
      if (!isDecisionPoint(point))
        sources.problems.push({
          file,
          path: '(root)',
          problem: `examples must be named after a decision point, not "${point}"`,
        });
      else {
        sources.examples.set(point, json as Record<string, unknown>);
        sources.problems.push(
          ...checkFacts(file, point, json, true).map(({ path, problem }) => ({ file, path, problem })),
        );
      }
    } else if (file.endsWith('.cases.json')) sources.cases.set(file, json);
    else if (file.endsWith('.rule.json')) {
      const problems = checkRule(file, json, seenIds);
      sources.problems.push(...problems);
      if (problems.length === 0) sources.rules.push({ ...(json as unknown as RuleFile), file });
    } else {
      sources.problems.push({
        file,
        path: '(root)',
        problem:
          'unrecognised file: expected <family>/<name>.rule.json, <name>.cases.json, data/*.json or examples/<point>.json',
      });
    }
  }
  // Cases start from the example facts of their point, and reload decides them: each point needs one.
  for (const point of DECISION_POINTS) {
    if (!sources.examples.has(point) && !sources.problems.some((p) => p.file === `examples/${point}.json`)) {
      sources.problems.push({
        file: `examples/${point}.json`,
        path: '(root)',
        problem: `missing: every decision point needs its example facts`,
      });
    }
  }
  // Parameters are known once every data file is read.
  for (const rule of sources.rules)
    sources.problems.push(...checkParams(rule, sources.params), ...checkFactUse(rule, sources.params));
  return sources;
}

/** A data file matches its schema (schema/data/<name>.schema.json); one without a schema is refused. */
function checkData(file: string, json: unknown): RuleProblem[] {
  const name = file.slice(5, -5);
  const validate = validateData.get(name);
  if (!validate) {
    const guess = closest(name, [...validateData.keys()]);
    return [
      {
        file,
        path: '(root)',
        problem:
          `no schema for this data file${guess ? ` (did you mean data/${guess}.json?)` : ''}: add ` +
          `libs/rules/schema/data/${name}.schema.json and list it in src/authoring/data-schemas.ts`,
      },
    ];
  }
  return validate(json) ? [] : (validate.errors ?? []).map((e) => schemaProblem(file, e));
}

/**
 * Facts as the catalogue describes them at a point: examples complete (every value the service
 * provides), case facts partial (the values they change), both without unknown names or wrong
 * types, so that a typo in a case cannot make it pass without testing anything.
 */
function checkFacts(
  file: string,
  point: DecisionPoint,
  facts: unknown,
  complete: boolean,
  at = '',
): { path: string; problem: string }[] {
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    return [{ path: at || '(root)', problem: 'facts must be an object' }];
  const names = requiredFacts(point);
  const problems: { path: string; problem: string }[] = [];
  for (const [name, value] of Object.entries(facts)) {
    const shape = names.includes(name) ? factShape(name, point) : undefined;
    if (shape) problems.push(...conformance(value, shape, `${at}/${name}`, complete));
    else if (name === 'params')
      problems.push({ path: `${at}/${name}`, problem: 'params come from policies/data and cannot be set here' });
    else
      problems.push({
        path: `${at}/${name}`,
        problem: `${unknownFactName(name, point)} (the facts at ${point}: ${names.join(', ')})`,
      });
  }
  if (complete)
    for (const name of names)
      if (!(name in facts)) problems.push({ path: '(root)', problem: `missing fact "${name}"` });
  return problems;
}

const unknownFactName = (name: string, point: DecisionPoint) =>
  name in FACTS ? `fact "${name}" is not provided at decision point ${point}` : `unknown fact "${name}"`;

/** Every `params` value a rule names (in a condition, a fact reference or a placeholder) must exist in policies/data. */
function checkParams(rule: LoadedRule, params: Record<string, unknown>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const check = (dotted: string, path: string) => {
    if (dotted === '' || lookup(params, dotted) !== undefined) return;
    const [file] = dotted.split('.');
    const where =
      file && file in params
        ? `no such value in policies/data/${kebab(file)}.json`
        : `no data file policies/data/${kebab(file ?? '')}.json`;
    problems.push({ file: rule.file, path, problem: `unknown parameter "params.${dotted}" (${where})` });
  };
  const fromJsonPath = (p: unknown) => (typeof p === 'string' ? p.replace(/^\$\.?/, '') : '');
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, path) => {
    if (node.fact === 'params') check(fromJsonPath(node.path), `${path}/path`);
    const ref = node.value as { fact?: unknown; path?: unknown } | undefined;
    if (ref && typeof ref === 'object' && !Array.isArray(ref) && ref.fact === 'params')
      check(fromJsonPath(ref.path), `${path}/value/path`);
  });
  for (const [path, template] of templatesOf(rule)) {
    for (const placeholder of placeholders(template))
      if (placeholder.startsWith('params.')) check(placeholder.slice(7), path);
  }
  return problems;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function templatesOf(rule: RuleFile): [string, string][] {
  return [
    ['/message', rule.message],
    ...(rule.effects ?? []).flatMap(
      (e, i) =>
        [
          [`/effects/${i}/productId`, e.productId ?? ''],
          [`/effects/${i}/userId`, e.userId ?? ''],
          [`/effects/${i}/days`, typeof e.days === 'string' ? e.days : ''],
        ] as [string, string][],
    ),
  ];
}

const isCalendarDate = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function checkRule(file: string, json: unknown, seenIds: Map<string, string>): RuleProblem[] {
  if (!validateRule(json)) return (validateRule.errors ?? []).map((e) => schemaProblem(file, e));
  const rule = json as unknown as RuleFile;
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
    if (node.fact !== undefined && !known(node.fact)) {
      problems.push({ file, path: `${path}/fact`, problem: unknownFact(node.fact, rule, forEach) });
    }
    const ref = node.value as { fact?: unknown } | undefined;
    if (ref && typeof ref === 'object' && !Array.isArray(ref) && typeof ref.fact === 'string' && !known(ref.fact)) {
      problems.push({ file, path: `${path}/value/fact`, problem: unknownFact(ref.fact, rule, forEach) });
    }
    if (node.operator !== undefined && !isKnownOperator(node.operator)) {
      problems.push({
        file,
        path: `${path}/operator`,
        problem: unknownOperator(node.operator),
      });
    }
  });
  for (const [path, template] of templatesOf(rule)) {
    for (const placeholder of placeholders(template)) {
      const root = placeholder.split('.')[0]!;
      if (!known(root))
        problems.push({
          file,
          path,
          problem: `placeholder {{${placeholder}}} names ${unknownFact(root, rule, forEach)}`,
        });
    }
  }
  problems.push(...authorizationProblems(file, rule));
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
function authorizationProblems(file: string, rule: RuleFile): RuleProblem[] {
  if (familyOf(rule.id) !== AUTHORIZATION_FAMILY) return [];
  const problems: RuleProblem[] = [];
  // A fact the point does not provide is reported as such (unknownFact), not here as well.
  const provided = (fact: string) =>
    rule.decisionPoints.every((point) => factsFor(point, Boolean(rule.forEach)).includes(fact));
  const allowed = (fact: string) => (AUTHORIZATION_FACTS as readonly string[]).includes(fact) || !provided(fact);
  const why = `${AUTHORIZATION_FAMILY} rules decide before the account's data is read: they may use only the ${AUTHORIZATION_FACTS.join(', ')} facts`;
  if (rule.forEach) problems.push({ file, path: '/forEach', problem: `${why}, never per product` });
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, path) => {
    if (node.fact !== undefined && !allowed(node.fact))
      problems.push({ file, path: `${path}/fact`, problem: `${why}, not "${node.fact}"` });
    const ref = factReference(node.value);
    if (ref && !allowed(ref.fact))
      problems.push({ file, path: `${path}/value/fact`, problem: `${why}, not "${ref.fact}"` });
  });
  for (const [path, template] of templatesOf(rule)) {
    for (const placeholder of placeholders(template)) {
      const root = placeholder.split('.')[0]!;
      if (!allowed(root)) problems.push({ file, path, problem: `${why}, not "${root}" ({{${placeholder}}})` });
    }
  }
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
      problems.push({
        file,
        path: '(root)',
        problem: `no rule file beside it (${file.replace(/\.cases\.json$/, '.rule.json')})`,
      });
      continue;
    }
    if (!validateCases(content)) {
      problems.push(...(validateCases.errors ?? []).map((e) => schemaProblem(file, e)));
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
        problems.push(
          ...checkFacts(file, example.point as DecisionPoint, example.facts, false, `/cases/${i}/facts`).map(
            ({ path, problem }) => ({ file, path, problem }),
          ),
        );
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

/**
 * The checker as authors use it and as the service loads rules: every problem of the rule, data,
 * example and cases files, and contradictory rules.
 */
export async function checkRules(dir: string): Promise<RuleProblem[]> {
  return checkSources(readPolicies(dir));
}

/** Every problem of sources already read: their own, the cases files' and those of the rules taken together. */
export async function checkSources(sources: PolicySources): Promise<RuleProblem[]> {
  return [...sources.problems, ...checkCases(sources).problems, ...(await checkAnalyses(sources))];
}

/**
 * The rules taken together (`analysis/`): contradictory rules, and decision points, effects and
 * warn or info rules that can never be reached (reach.ts; only when the files have no problem of
 * their own, since it decides the example facts).
 */
export async function checkAnalyses(sources: PolicySources): Promise<RuleProblem[]> {
  return [...(await checkContradictions(sources)), ...(await checkReach(sources))];
}
