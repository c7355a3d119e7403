/** The closed set of moments at which the licensing service asks the rules for a decision. */
export const DECISION_POINTS = [
  'assign',
  'unassign',
  'set_features',
  'create_user',
  'purchase_seats',
  'request_seats_from_sales',
  'reduce_seats',
  'queue_membership',
] as const;

export type DecisionPoint = (typeof DECISION_POINTS)[number];

export function isDecisionPoint(value: string): value is DecisionPoint {
  return (DECISION_POINTS as readonly string[]).includes(value);
}
