/**
 * "Can this decision point ever allow?" (issue 23): a counterexample that really decides as claimed,
 * a proof naming the rules and conditions, or "unknown", never a proof the analysis does not have.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RuleSet } from '../../engine/rule-set.js';
import type { ConditionNode } from '../../engine/rule-file.js';
import { DEFAULT_POLICIES_DIR } from '../../loading/load.js';
import { copyPolicies } from '../../../test/test-support.js';
import { addRule, allowFor, FAR_FUTURE, problemsIn, reachOf } from './reach-test-support.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('the shipped policies', () => {
  it('have no reach problem, and every point can allow, with facts that decide as claimed', async () => {
    const { sources, report } = await reachOf(DEFAULT_POLICIES_DIR);
    expect(report.problems).toEqual([]);
    expect(report.neverFiring).toEqual([]);
    const ruleSet = new RuleSet(sources.rules, sources.params, []);
    expect(report.points.map((p) => p.point).sort()).toEqual([...sources.examples.keys()].sort());
    for (const { point, combinations } of report.points) {
      expect(
        combinations.some((c) => c.allow.kind === 'yes'),
        `${point} can allow`,
      ).toBe(true);
      for (const { allow, effects } of combinations) {
        if (allow.kind === 'yes')
          expect((await ruleSet.decide(point, allow.facts, { now: FAR_FUTURE })).allowed, point).toBe(true);
        for (const { rule, answer } of effects) {
          if (answer.kind !== 'yes') continue;
          const decision = await ruleSet.decide(point, answer.facts, { now: FAR_FUTURE });
          expect(decision.allowed && decision.effects.some((e) => e.ruleId === rule.id), rule.id).toBe(true);
        }
      }
    }
  });

  it('close purchases and reductions to sales-managed accounts by one rule, which is no problem', async () => {
    const { report } = await reachOf(DEFAULT_POLICIES_DIR);
    for (const point of ['purchase_seats', 'reduce_seats']) {
      const closed = allowFor(report, point, { 'account.kind': 'sales_managed' });
      expect(closed).toMatchObject({ kind: 'never', because: 'closed' });
      expect(closed.kind === 'never' && closed.rules.map((r) => r.id)).toEqual([
        'who-may-act.sales-managed-through-sales',
      ]);
    }
    expect(allowFor(report, 'purchase_seats', { 'account.style': 'zendesk', 'account.kind': 'self_service' })).toEqual(
      expect.objectContaining({ kind: 'yes', changes: ['account.style = "zendesk"', 'actor.isOwner = true'] }),
    );
  });
});

describe('a point that can never allow', () => {
  it('"no super admin may buy on GoTo": purchase_seats never allows for GoTo accounts, with the proof; Zendesk still can', async () => {
    copy = copyPolicies();
    addRule(copy, 'who-may-act/no-super-admin-goto-purchase.rule.json', {
      severity: 'deny',
      decisionPoints: ['purchase_seats'],
      conditions: {
        all: [
          { fact: 'account', path: '$.style', operator: 'equal', value: 'goto' },
          { fact: 'actor', path: '$.roles', operator: 'contains', value: 'super_admin' },
        ],
      },
    });
    expect(await problemsIn(copy.dir)).toEqual([
      'who-may-act/no-super-admin-goto-purchase.rule.json: /rule/conditions: purchase_seats can never allow for ' +
        'account.style "goto" (proof): who-may-act.goto-purchase-requires-super-admin-and-card must not fire, so ' +
        'actor.roles containsAny params.roles.gotoSeatBuyers (["super_admin"]) and account.cardOnFile notEqual false; ' +
        'who-may-act.no-super-admin-goto-purchase must not fire, so actor.roles doesNotContain "super_admin"; and ' +
        'actor.roles containsAny params.roles.gotoSeatBuyers (["super_admin"]) and actor.roles doesNotContain ' +
        '"super_admin" never hold together',
    ]);
    const { report } = await reachOf(copy.dir);
    expect(
      allowFor(report, 'purchase_seats', { 'account.style': 'zendesk', 'account.kind': 'self_service' }).kind,
    ).toBe('yes');
  });

  it('a deny rule that always fires: the point never allows for any account', async () => {
    copy = copyPolicies();
    addRule(copy, 'who-may-act/no-feature-changes.rule.json', {
      severity: 'deny',
      decisionPoints: ['set_features'],
      conditions: { all: [{ fact: 'actor', path: '$.kind', operator: 'in', value: ['user', 'service'] }] },
    });
    expect(await problemsIn(copy.dir)).toEqual([
      'who-may-act/no-feature-changes.rule.json: /rule/conditions: set_features can never allow for any account ' +
        '(proof): who-may-act.no-feature-changes must not fire, so actor.kind notIn ["user","service"]; and ' +
        'actor.kind notIn ["user","service"] holds for none of its values (actor.kind is "user" or "service")',
    ]);
  });

  it('one rule closing a point to some accounts by their values is a decision; closing it to every account is a problem', async () => {
    copy = copyPolicies();
    const closeTo = (style: string) =>
      addRule(copy!, `who-may-act/no-assignment-on-${style}.rule.json`, {
        severity: 'deny',
        decisionPoints: ['assign'],
        conditions: { all: [{ fact: 'account', path: '$.style', operator: 'equal', value: style }] },
      });
    closeTo('zendesk');
    expect(await problemsIn(copy.dir)).toEqual([]);
    const { report } = await reachOf(copy.dir);
    expect(allowFor(report, 'assign', { 'account.style': 'zendesk' })).toMatchObject({
      kind: 'never',
      because: 'closed',
    });
    expect(allowFor(report, 'assign', { 'account.style': 'goto' }).kind).toBe('yes');
    closeTo('goto');
    expect(await problemsIn(copy.dir)).toEqual([
      'who-may-act/no-assignment-on-goto.rule.json: /rule/conditions: assign can never allow for any account (proof): ' +
        'for account.style "goto": who-may-act.no-assignment-on-goto fires on every such request (account.style equal ' +
        '"goto"); for account.style "zendesk": who-may-act.no-assignment-on-zendesk fires on every such request ' +
        '(account.style equal "zendesk")',
    ]);
  });

  it('is "unknown", not a problem, when the analysis cannot tell (conditions comparing two facts)', async () => {
    copy = copyPolicies();
    const compare = (operator: string): ConditionNode => ({
      fact: 'user',
      path: '$.queueMembershipCount',
      operator,
      value: { fact: 'user', path: '$.queueMembershipCountAfter' },
    });
    addRule(copy, 'user-admin/counts-equal.rule.json', {
      severity: 'deny',
      decisionPoints: ['set_features'],
      conditions: { all: [compare('equal')] },
    });
    addRule(copy, 'user-admin/counts-differ.rule.json', {
      severity: 'deny',
      decisionPoints: ['set_features'],
      conditions: { all: [compare('notEqual')] },
    });
    expect(await problemsIn(copy.dir)).toEqual([]);
    const { report } = await reachOf(copy.dir);
    expect(allowFor(report, 'set_features', {})).toMatchObject({ kind: 'unknown' });
  });
});
