/**
 * "Can this effect ever occur in an allowed decision?" (issue 23): effects apply only when the
 * decision allows, so a rule with effects that fires only where deny rules refuse is reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicies } from '../checker.js';
import { DEFAULT_POLICIES_DIR } from '../../loading/load.js';
import { copyPolicies } from '../../../test/test-support.js';
import { addRule, pointOf, problemsIn, reachOf } from './reach-test-support.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('the shipped policies', () => {
  it('every effect type some rule declares occurs in an allowed decision', async () => {
    const { report } = await reachOf(DEFAULT_POLICIES_DIR);
    const occurring = new Set(
      report.points.flatMap((p) =>
        p.combinations.flatMap((c) => c.effects.filter((e) => e.answer.kind === 'yes').flatMap((e) => e.types)),
      ),
    );
    const declared = new Set(
      readPolicies(DEFAULT_POLICIES_DIR)
        .rules.flatMap((r) => r.effects ?? [])
        .map((e) => e.type),
    );
    expect([...declared].filter((type) => !occurring.has(type))).toEqual([]);
  });
});

describe('an effect that can never occur in an allowed decision', () => {
  it('a rule denying every first queue join: billing can never start', async () => {
    copy = copyPolicies();
    addRule(copy, 'contact-center/no-first-queue-join.rule.json', {
      severity: 'deny',
      decisionPoints: ['queue_membership'],
      conditions: {
        all: [
          { fact: 'user', path: '$.queueMembershipCount', operator: 'equal', value: 0 },
          { fact: 'request', path: '$.change', operator: 'equal', value: 'add' },
        ],
      },
    });
    const problems = await problemsIn(copy.dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^contact-center\/billing-starts-with-first-queue\.rule\.json: \/effects\/0: billing_start can never occur in an allowed decision at queue_membership \(proof\): /,
    );
    expect(problems[0]).toContain(
      'contact-center.no-first-queue-join must not fire, so either user.queueMembershipCount notEqual 0 or request.change notEqual "add"',
    );
    expect(problems[0]).toContain(
      'user.queueMembershipCount equal 0 and user.queueMembershipCount notEqual 0 never hold together',
    );
    // The point itself still allows (joining a further queue), and billing still stops.
    const { report } = await reachOf(copy.dir);
    const queue = pointOf(report, 'queue_membership').combinations[0]!;
    expect(queue.allow.kind).toBe('yes');
    expect(queue.effects.find((e) => e.types.includes('billing_stop'))!.answer.kind).toBe('yes');
  });
});

describe('an effect of a rule that fires only where the point never allows', () => {
  it('is reported with the rule that closes the point', async () => {
    copy = copyPolicies();
    addRule(copy, 'seat-limits/sales-managed-purchase-notice.rule.json', {
      severity: 'info',
      decisionPoints: ['purchase_seats'],
      effects: [{ type: 'notice', code: 'sales_managed_purchase' }],
      conditions: { all: [{ fact: 'account', path: '$.kind', operator: 'equal', value: 'sales_managed' }] },
    });
    expect(await problemsIn(copy.dir)).toEqual([
      'seat-limits/sales-managed-purchase-notice.rule.json: /effects/0: notice can never occur in an allowed decision ' +
        'at purchase_seats (proof): for account.kind "sales_managed": who-may-act.sales-managed-through-sales fires on ' +
        'every such request (account.kind equal "sales_managed")',
    ]);
  });
});
