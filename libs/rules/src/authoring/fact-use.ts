import { factShape, factsFor, isKnownOperator, type FactShape } from '../engine/catalogue.js';
import type { DecisionPoint } from '../engine/decision-points.js';
import { operandProblem, shapeAtPath, shapeOfValue, type Operand } from './fact-shapes.js';
import { placeholdersOf } from './rule-templates.js';
import { factReference, walkConditions, type LoadedRule, type RuleProblem } from '../engine/rule-file.js';

/** `account.cardOnFile`, `product.holders[*].userId`: a fact path as the trace and messages show it. */
const label = (fact: string, path?: string) =>
  [fact, ...(path ? [path.replace(/^\$\.?/, '')] : [])].filter(Boolean).join('.');

/**
 * Checks what a rule reads against the fact catalogue's shapes, at each of its decision points:
 * every condition path, fact reference and placeholder names a value the service provides there
 * (a typo such as `$.cardonFile` would otherwise make every decision of the point throw), and
 * every comparison can hold (`equal "false"` against a boolean, a number operator on a string
 * never can). Unknown facts and `params` values that no data file has are the checker's own
 * problems and are not repeated here.
 */
export function checkFactUse(rule: LoadedRule, params: Record<string, unknown>): RuleProblem[] {
  const paramsShape = shapeOfValue(params);
  const forEach = rule.forEach === 'products';
  // The same problem at every point is said once; one that only some points have names them.
  const found = new Map<string, { path: string; problem: string; points: DecisionPoint[] }>();
  for (const point of rule.decisionPoints) {
    const shapeOf = (fact: string): FactShape | undefined =>
      !factsFor(point, forEach).includes(fact) ? undefined : fact === 'params' ? paramsShape : factShape(fact, point);
    for (const { path, problem } of problemsAt(rule, shapeOf)) {
      const key = `${path}\0${problem}`;
      const entry = found.get(key) ?? { path, problem, points: [] };
      entry.points.push(point);
      found.set(key, entry);
    }
  }
  return [...found.values()].map(({ path, problem, points }) => ({
    file: rule.file,
    path,
    problem:
      points.length === rule.decisionPoints.length ? problem : `${problem} (at decision point ${points.join(', ')})`,
  }));
}

function problemsAt(
  rule: LoadedRule,
  shapeOf: (fact: string) => FactShape | undefined,
): { path: string; problem: string }[] {
  const problems: { path: string; problem: string }[] = [];
  /** The shape at a fact's path; undefined (nothing more to check) when the fact or path is not there. */
  const resolve = (fact: string, path: string | undefined, at: string): FactShape | undefined => {
    const root = shapeOf(fact);
    if (!root) return undefined; // an unknown fact: reported by the checker
    const found = shapeAtPath(root, path, fact);
    // A missing params value is reported by the checker, with the data file it looked in.
    if (found.problem !== undefined && fact !== 'params') problems.push({ path: at, problem: found.problem });
    return found.shape;
  };
  walkConditions(rule.rule.conditions, '/rule/conditions', (node, at) => {
    if (node.fact === undefined || node.operator === undefined) return;
    const factShape = resolve(node.fact, node.path, `${at}/path`);
    const ref = factReference(node.value);
    const valueShape = ref ? resolve(ref.fact, ref.path, `${at}/value/path`) : shapeOfValue(node.value);
    if (!factShape || !valueShape || !isKnownOperator(node.operator)) return;
    const fact: Operand = { shape: factShape, label: label(node.fact, node.path) };
    const value: Operand = { shape: valueShape, label: ref ? label(ref.fact, ref.path) : JSON.stringify(node.value) };
    const problem = operandProblem(node.operator, fact, value);
    if (problem) problems.push({ path: `${at}/${problem.at}`, problem: problem.problem });
  });
  for (const { path: at, placeholder } of placeholdersOf(rule)) {
    const [fact, ...keys] = placeholder.split('.');
    const root = shapeOf(fact!);
    if (!root) continue;
    const found = shapeAtPath(root, ['$', ...keys].join('.'), fact!);
    if (found.problem !== undefined) {
      if (fact !== 'params') problems.push({ path: at, problem: `placeholder {{${placeholder}}}: ${found.problem}` });
    } else if (found.shape.type === 'object' || (found.shape.type === 'list' && found.shape.items.type === 'object')) {
      problems.push({
        path: at,
        problem:
          `placeholder {{${placeholder}}} names ${found.shape.type === 'object' ? 'an object' : 'a list of objects'}` +
          `, which shows as "[object Object]": name one of its values`,
      });
    } else if (at.endsWith('/days') && found.shape.type !== 'number') {
      problems.push({
        path: at,
        problem: `placeholder {{${placeholder}}} names a ${found.shape.type}: days is a number`,
      });
    }
  }
  return problems;
}
