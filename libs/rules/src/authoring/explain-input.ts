import { DECISION_POINTS, isDecisionPoint, type DecisionPoint } from '../engine/decision-points.js';
import { factShape, factsFor } from '../engine/catalogue.js';
import { closest, conformance } from './fact-shapes.js';

/**
 * What is wrong with facts an author hands to `explain`, as `path: problem` lines: an unknown
 * decision point, a fact the point does not have, a key or type the catalogue does not know (each
 * with "did you mean" when one is close). The engine would take such facts silently and answer
 * "no rule fired", which reads as a verdict when it is a typo.
 */
export function explainInputProblems(point: string, facts: unknown): string[] {
  if (!isDecisionPoint(point)) {
    const guess = closest(point, [...DECISION_POINTS]);
    return [
      `decision point "${point}" is not known${guess ? `: did you mean "${guess}"?` : ` (known: ${DECISION_POINTS.join(', ')})`}`,
    ];
  }
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    return ['(root): the facts must be a JSON object of facts by name'];
  const known = factsFor(point, false).filter((name) => name !== 'params');
  return Object.entries(facts).flatMap(([name, value]) => {
    if (!known.includes(name)) {
      const guess = closest(name, known);
      return [
        `/${name}: "${name}" is not a fact of ${point}${guess ? `: did you mean "${guess}"?` : ` (its facts: ${known.join(', ')})`}`,
      ];
    }
    return conformance(value, factShape(name, point as DecisionPoint)!, `/${name}`, false).map(
      (p) => `${p.path}: ${p.problem}`,
    );
  });
}
