/**
 * Opposite effects from two rules are reported only with proof (an allowed decision holding both);
 * the shipped start / stop billing rules are disjoint on the requested change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkRules } from '../checker.js';
import { formatProblem } from '../../engine/rule-file.js';
import { copyPolicies } from '../../../test/test-support.js';

const START = 'contact-center/billing-starts-with-first-queue.rule.json';
const STOP = 'contact-center/billing-stops-with-last-queue.rule.json';
type Conditions = { all: Record<string, unknown>[] };
const conditionsOf = (rule: Record<string, unknown>) => (rule.rule as { conditions: Conditions }).conditions;

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

/** The stop rule stops asking for a removal, so it can fire together with the start rule. */
const looseStop = (c: ReturnType<typeof copyPolicies>) =>
  c.edit(
    STOP,
    (r) =>
      void (conditionsOf(r).all = conditionsOf(r).all.filter(
        (x) => x.path !== '$.change' && x.path !== '$.queueMembershipCount',
      )),
  );

describe('opposite effects of two rules', () => {
  it('is reported with the facts at which both fire', async () => {
    copy = copyPolicies();
    looseStop(copy);
    const problems = (await checkRules(copy.dir)).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        String.raw`^contact-center/billing-starts-with-first-queue\.rule\.json: /effects/0: ` +
          String.raw`billing_start contradicts billing_stop of contact-center/billing-stops-with-last-queue\.rule\.json`,
      ),
    );
  });

  it('is not reported when every such decision is denied anyway (the effects never apply: reach says so)', async () => {
    copy = copyPolicies();
    looseStop(copy);
    // Only callers whom manage-queues refuses could now start billing.
    copy.edit(START, (r) => {
      conditionsOf(r).all.push({
        fact: 'actor',
        path: '$.roles',
        operator: 'containsNone',
        value: { fact: 'params', path: '$.roles.queueManagers' },
      });
      conditionsOf(r).all.push({
        fact: 'actor',
        path: '$.permissions',
        operator: 'doesNotContain',
        value: { fact: 'params', path: '$.roles.queueManagerPermission' },
      });
    });
    // Not a contradiction; but billing can then never start in an allowed decision (reach.ts).
    expect((await checkRules(copy.dir)).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^contact-center\/billing-starts-with-first-queue\.rule\.json: \/effects\/0: billing_start can never occur in an allowed decision at queue_membership \(proof\): .*who-may-act\.manage-queues must not fire/,
      ),
    ]);
  });

  it('is not reported when the conditions exclude each other (as shipped)', async () => {
    copy = copyPolicies();
    copy.edit(
      STOP,
      (r) => void (conditionsOf(r).all = conditionsOf(r).all.filter((x) => x.path !== '$.queueMembershipCount')),
    );
    expect(await checkRules(copy.dir)).toEqual([]);
  });
});
