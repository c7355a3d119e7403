/**
 * What counts as contradictory conditions, and what must not: the checker speaks only when no
 * value of the facts could make the conditions hold together.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionNode, LoadedRule } from '../../engine/rule-file.js';
import { selfContradictions } from './self-contradictions.js';

const params = { roles: { managers: ['super_admin', 'admin'], none: [] }, switches: { on: true } };
const ruleWith = (conditions: ConditionNode): LoadedRule => ({
  id: 'fam.rule',
  file: 'fam/rule.rule.json',
  title: 't',
  description: 'd',
  message: 'm',
  severity: 'deny',
  owner: 'o',
  effectiveDate: '2026-01-01',
  decisionPoints: ['queue_membership'],
  rule: { conditions },
});
const c = (fact: string, path: string, operator: string, value: unknown): ConditionNode => ({
  fact,
  path,
  operator,
  value,
});
const problemsOf = (conditions: ConditionNode) =>
  selfContradictions(ruleWith(conditions), params).problems.map((p) => `${p.path}: ${p.problem}`);
const COUNT = '$.queueMembershipCount';

describe('contradictory conditions of one rule', () => {
  it('numeric bounds that leave no number', () => {
    expect(problemsOf({ all: [c('user', COUNT, 'greaterThan', 5), c('user', COUNT, 'lessThan', 3)] })).toEqual([
      '/rule/conditions/all/0: contradictory conditions: user.queueMembershipCount greaterThan 5 ' +
        '(/rule/conditions/all/0) and user.queueMembershipCount lessThan 3 (/rule/conditions/all/1) can ' +
        'never hold together, so the rule can never fire',
    ]);
    expect(
      problemsOf({ all: [c('user', COUNT, 'greaterThanInclusive', 5), c('user', COUNT, 'lessThan', 5)] }),
    ).toHaveLength(1);
  });

  it('two different values for one fact value, and a value with its own negation', () => {
    expect(
      problemsOf({
        all: [c('request', '$.change', 'equal', 'add'), c('request', '$.change', 'in', ['remove', 'remove_all'])],
      }),
    ).toHaveLength(1);
    expect(
      problemsOf({
        all: [c('request', '$.change', 'equal', 'add'), { not: c('request', '$.change', 'equal', 'add') }],
      }),
    ).toEqual([
      '/rule/conditions/all/0: contradictory conditions: request.change equal "add" ' +
        '(/rule/conditions/all/0) and not (request.change equal "add") (/rule/conditions/all/1/not) can ' +
        'never hold together, so the rule can never fire',
    ]);
  });

  it('list membership: contains and doesNotContain, containsAny against a covering containsNone (params resolved)', () => {
    expect(
      problemsOf({
        all: [c('actor', '$.roles', 'contains', 'admin'), c('actor', '$.roles', 'doesNotContain', 'admin')],
      }),
    ).toHaveLength(1);
    expect(
      problemsOf({
        all: [
          c('actor', '$.roles', 'containsAny', ['admin']),
          c('actor', '$.roles', 'containsNone', { fact: 'params', path: '$.roles.managers' }),
        ],
      }),
    ).toEqual([
      '/rule/conditions/all/0: contradictory conditions: actor.roles containsAny ["admin"] ' +
        '(/rule/conditions/all/0) and actor.roles containsNone params.roles.managers ' +
        '(["super_admin","admin"]) (/rule/conditions/all/1) can never hold together, so the rule can never ' +
        'fire',
    ]);
  });

  it('names the branch of "any" that can never fire when others can', () => {
    const conditions = {
      any: [
        c('actor', '$.kind', 'equal', 'service'),
        { all: [c('actor', '$.kind', 'equal', 'user'), c('actor', '$.kind', 'equal', 'service')] },
      ],
    };
    expect(problemsOf(conditions)).toEqual([
      '/rule/conditions/any/1/all/0: contradictory conditions: actor.kind equal "user" ' +
        '(/rule/conditions/any/1/all/0) and actor.kind equal "service" (/rule/conditions/any/1/all/1) can ' +
        'never hold together, so the branch of "any" that needs them never fires',
    ]);
  });

  it('sees through not over a group (De Morgan)', () => {
    const conditions = {
      all: [
        c('user', COUNT, 'lessThan', 3),
        { not: { any: [c('user', COUNT, 'lessThan', 5), c('user', COUNT, 'equal', 9)] } },
      ],
    };
    expect(problemsOf(conditions)).toHaveLength(1);
  });

  it.each([
    [
      'bounds that leave one number',
      { all: [c('user', COUNT, 'greaterThanInclusive', 5), c('user', COUNT, 'lessThanInclusive', 5)] },
    ],
    [
      'a negated bound alone holds for non-numbers',
      { all: [{ not: c('user', COUNT, 'lessThan', 5) }, c('user', COUNT, 'notEqual', 3)] },
    ],
    [
      'different fact values',
      { all: [c('user', COUNT, 'greaterThan', 5), c('user', '$.queueMembershipCountAfter', 'lessThan', 3)] },
    ],
    [
      'containsAny with a candidate left',
      {
        all: [
          c('actor', '$.roles', 'containsAny', ['admin', 'owner']),
          c('actor', '$.roles', 'containsNone', ['admin']),
        ],
      },
    ],
    [
      'a value compared with another fact',
      {
        all: [
          c('product', '$.assigned', 'greaterThan', { fact: 'request', path: '$.newTotal' }),
          c('product', '$.assigned', 'lessThan', 0),
        ],
      },
    ],
    [
      'one condition that never holds is a setting (in [])',
      {
        all: [
          c('request', '$.role', 'in', { fact: 'params', path: '$.roles.none' }),
          c('request', '$.change', 'equal', 'add'),
        ],
      },
    ],
    [
      'a params switch turned off',
      { all: [c('params', '$.switches.on', 'equal', false), c('request', '$.change', 'equal', 'add')] },
    ],
  ])('is silent on %s', (_name, conditions) => {
    expect(problemsOf(conditions as ConditionNode)).toEqual([]);
  });

  it('reports a dead rule as unable to fire, and gives up (silently) on rules too large to expand', () => {
    expect(
      selfContradictions(
        ruleWith({ all: [c('user', COUNT, 'greaterThan', 5), c('user', COUNT, 'lessThan', 3)] }),
        params,
      ).canFire,
    ).toBe(false);
    const wide = {
      all: [
        ...Array.from({ length: 7 }, () => ({ any: [c('user', COUNT, 'equal', 1), c('user', COUNT, 'equal', 2)] })),
        c('user', COUNT, 'equal', 3),
      ],
    };
    expect(selfContradictions(ruleWith(wide), params)).toEqual({ problems: [], canFire: true });
  });
});
