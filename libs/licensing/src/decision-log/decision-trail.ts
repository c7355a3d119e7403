import type { Decision, DecisionPoint } from '@acme/rules';

/**
 * One decision of a call, as it was made: the facts and the outcome are copied to JSON at once,
 * since the use case goes on changing its objects (a bulk call's seat counts, a downgrade's users).
 */
export interface DecisionTaken {
  point: DecisionPoint;
  stage: 'who_may_act' | 'rules';
  allowed: boolean;
  ruleSetVersion: string;
  /** The facts decided on, as JSON. */
  factsJson: string;
  /** `{violations, warnings, effects}` as JSON: rules with their messages, effects as rendered. */
  outcomeJson: string;
  at: Date;
}

/** The decisions of one call, in the order they were made; the frame hands them to the decision log. */
export type DecisionTrail = DecisionTaken[];

/** Notes `decision`, made on `facts` at `stage`, in the call's trail (when it keeps one). */
export function noteDecision(
  trail: DecisionTrail | undefined,
  stage: DecisionTaken['stage'],
  facts: Record<string, unknown>,
  decision: Decision,
  at: Date,
): void {
  if (!trail) return;
  const { violations, warnings, effects } = decision;
  const fired = (messages: typeof violations) => messages.map(({ ruleId, message }) => ({ ruleId, message }));
  trail.push({
    point: decision.point,
    stage,
    allowed: decision.allowed,
    ruleSetVersion: decision.ruleSetVersion,
    factsJson: JSON.stringify(facts),
    outcomeJson: JSON.stringify({ violations: fired(violations), warnings: fired(warnings), effects }),
    at,
  });
}
