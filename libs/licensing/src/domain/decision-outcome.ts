import { FactsError, type Decision } from '@acme/rules';
import { AppError, type AppErrorType } from '@acme/util';

/**
 * A denied decision as one error listing every violated rule. The status follows the most
 * fundamental family involved: who may act, or what a user administrator may do to whom
 * (PERMISSION_DENIED), then seat limits (RESOURCE_EXHAUSTED), then any other policy
 * (FAILED_PRECONDITION). The reason says which.
 */
export function decisionError(decision: Decision, subject: string): AppError {
  const families = new Set(decision.violations.map((v) => v.ruleId.split('.')[0]));
  const [type, reason]: [AppErrorType, string] =
    families.has('who-may-act') || families.has('user-admin')
      ? ['permission_denied', 'POLICY_DENIED']
      : families.has('seat-limits')
        ? ['resource_exhausted', 'SEATS_EXHAUSTED']
        : ['policy_denied', 'POLICY_DENIED'];
  return new AppError(type, decision.violations.map((v) => v.message).join('; '), {
    reason,
    ruleViolations: decision.violations.map((v) => ({ type: v.ruleId, subject, description: v.message })),
    metadata: {
      rule_set_version: decision.ruleSetVersion,
      violated_rules: decision.violations.map((v) => v.ruleId).join(','),
    },
  });
}

/**
 * Fails closed when the rules cannot decide: a FactsError (a value some rule of the point reads is
 * missing from the facts) refuses the change with the stable reason POLICY_UNAVAILABLE, never
 * INTERNAL, and nothing is written. The rules' reload gate keeps such rule sets from becoming
 * active; this is the answer if one does anyway. Anything else is rethrown as it is.
 */
export function refuseUndecidable(error: unknown): never {
  if (!(error instanceof FactsError)) throw error;
  throw new AppError('failed_precondition', 'the policy cannot decide this request; nothing was changed', {
    reason: 'POLICY_UNAVAILABLE',
    metadata: error.missing.length > 0 ? { missing_facts: error.missing.join(',') } : {},
    cause: error,
  });
}

/** One decision for several items or steps: allowed (each was), with every warning and effect. */
export function mergeDecisions(decisions: Decision[]): Decision {
  return {
    ...decisions[0]!,
    warnings: decisions.flatMap((d) => d.warnings),
    effects: decisions.flatMap((d) => d.effects),
    trace: decisions.flatMap((d) => d.trace),
  };
}
