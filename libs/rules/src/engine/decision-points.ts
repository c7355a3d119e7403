/** The closed set of moments at which the licensing service asks the rules for a decision. */
export const DECISION_POINTS = [
  'assign',
  'unassign',
  'set_features',
  'create_user',
  'purchase_seats',
  'request_seats_from_sales',
  'complete_sales_order',
  'reduce_seats',
  'queue_membership',
  'administer_account',
  'cancel_sales_order',
  'manage_user',
] as const;

export type DecisionPoint = (typeof DECISION_POINTS)[number];

export function isDecisionPoint(value: string): value is DecisionPoint {
  return (DECISION_POINTS as readonly string[]).includes(value);
}

/**
 * The rules that decide who may act (the `who-may-act/` folder). The service asks them first, from
 * the caller and the account alone, before it reads anything else of the account: a caller who may
 * not act is refused without learning which users exist or what they hold. So these rules may read
 * only these facts (`rules check` refuses any other).
 */
export const AUTHORIZATION_FAMILY = 'who-may-act';
export const AUTHORIZATION_FACTS = ['actor', 'account', 'params'] as const;

/** A rule's family: the folder its file is in (`who-may-act/…` → `who-may-act`). */
export const familyOf = (ruleId: string): string => ruleId.split('.')[0]!;
