/**
 * The data files (policies/data/, the `params` fact) against their schemas, and facts against the
 * fact catalogue: the example facts of each decision point and the facts of each case.
 */
import { FACTS, factShape, requiredFacts } from '../engine/catalogue.js';
import type { DecisionPoint } from '../engine/decision-points.js';
import type { RuleProblem } from '../engine/rule-file.js';
import { DATA_SCHEMAS } from './data-schemas.js';
import { closest, conformance } from './fact-shapes.js';
import { schemaChecker } from './schema-problems.js';

/** The name of a data file in `params`: data/seat-thresholds.json is `params.seatThresholds`. */
export const paramsKey = (dataFile: string) => dataFile.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The data file of a `params` key: `params.seatThresholds` is data/seat-thresholds.json. */
export const dataFileOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const dataSchemaProblems = new Map(Object.entries(DATA_SCHEMAS).map(([name, schema]) => [name, schemaChecker(schema)]));

/** A data file matches its schema (schema/data/<name>.schema.json); one without a schema is refused. */
export function checkData(file: string, json: unknown): RuleProblem[] {
  const name = file.slice(5, -5);
  const problemsOf = dataSchemaProblems.get(name);
  if (!problemsOf) {
    const guess = closest(name, [...dataSchemaProblems.keys()]);
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
  return problemsOf(file, json);
}

/**
 * Facts as the catalogue describes them at a point: examples complete (every value the service
 * provides), case facts partial (the values they change), both without unknown names or wrong
 * types, so that a typo in a case cannot make it pass without testing anything.
 */
export function checkFacts(
  file: string,
  point: DecisionPoint,
  facts: unknown,
  complete: boolean,
  at = '',
): RuleProblem[] {
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    return [{ file, path: at || '(root)', problem: 'facts must be an object' }];
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
  return problems.map(({ path, problem }) => ({ file, path, problem }));
}

const unknownFactName = (name: string, point: DecisionPoint) =>
  name in FACTS ? `fact "${name}" is not provided at decision point ${point}` : `unknown fact "${name}"`;
