/**
 * The checker against the fact catalogue's shapes: paths that do not exist, comparisons that can
 * never hold, placeholders, data files, example facts and case facts. Each edit here would pass
 * a schema and break (or silently weaken) the running service.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FactShape } from '../engine/catalogue.js';
import { checkRules } from './checker.js';
import { operandProblem, shapeAtPath } from './fact-shapes.js';
import { formatProblem } from '../engine/rule-file.js';
import { copyPolicies } from '../../test/test-support.js';

type Json = Record<string, unknown>;
let copy: ReturnType<typeof copyPolicies>;
afterEach(() => copy?.remove());

const problemsAfter = async (edit: (c: typeof copy) => void) => {
  copy = copyPolicies();
  edit(copy);
  return (await checkRules(copy.dir)).map(formatProblem);
};
/** Replaces a rule's conditions with these. */
const withConditions = (file: string, all: Json[]) => (c: typeof copy) =>
  c.edit(file, (r) => void ((r.rule as Json).conditions = { all }));
const GOTO = 'who-may-act/goto-purchase-requires-super-admin-and-card.rule.json';
const PARITY = 'suite-parity/same-seat-count.rule.json';
const NOTICE = 'seat-limits/last-seat-notice.rule.json';
const DOWNGRADE = 'seat-limits/downgrade-on-reduction-below-usage.rule.json';

describe('condition paths', () => {
  it('refuses a typo in a known fact path and suggests the right one', async () => {
    const problems = await problemsAfter(
      withConditions(GOTO, [{ fact: 'account', path: '$.cardonFile', operator: 'equal', value: false }]),
    );
    expect(problems).toEqual([
      `${GOTO}: /rule/conditions/all/0/path: unknown path "$.cardonFile" in fact "account": did you mean "$.cardOnFile"?`,
    ]);
  });

  it('lists the known paths when nothing is close', async () => {
    const problems = await problemsAfter(
      withConditions(GOTO, [{ fact: 'account', path: '$.region', operator: 'equal', value: 'eu' }]),
    );
    expect(problems).toEqual([
      `${GOTO}: /rule/conditions/all/0/path: unknown path "$.region" in fact "account" (known: $.kind, $.style, $.cardOnFile, $.legacyPlan)`,
    ]);
  });

  it('names the decision point that lacks a path the others have', async () => {
    const problems = await problemsAfter(
      withConditions(PARITY, [{ fact: 'request', path: '$.newTotal', operator: 'lessThan', value: 1 }]),
    );
    expect(problems).toEqual([
      `${PARITY}: /rule/conditions/all/0/path: unknown path "$.newTotal" in fact "request" ` +
        '(known: $.productId, $.suiteId, $.quantity) (at decision point purchase_seats)',
    ]);
  });

  it('refuses a field of list elements named without [*], and [*] on a value that is not a list', async () => {
    const problems = await problemsAfter(
      withConditions(DOWNGRADE, [
        { fact: 'product', path: '$.holders.userId', operator: 'contains', value: 'usr_a' },
        { fact: 'product', path: '$.excess[*]', operator: 'greaterThan', value: 0 },
      ]),
    );
    expect(problems).toEqual([
      `${DOWNGRADE}: /rule/conditions/all/0/path: path "$.holders.userId" in fact "product": $.holders is ` +
        `a list, so name the field of its elements as "$.holders[*].userId"`,
      `${DOWNGRADE}: /rule/conditions/all/1/path: path "$.excess[*]" in fact "product": $.excess is a number, not a list, so it takes no [*]`,
    ]);
  });

  it('checks the path of a fact named as the value', async () => {
    const problems = await problemsAfter(
      withConditions(DOWNGRADE, [
        { fact: 'product', path: '$.assigned', operator: 'greaterThan', value: { fact: 'request', path: '$.newTotl' } },
      ]),
    );
    expect(problems).toEqual([
      `${DOWNGRADE}: /rule/conditions/all/0/value/path: unknown path "$.newTotl" in fact "request": did you mean "$.newTotal"?`,
    ]);
  });
});

describe('value types', () => {
  it('refuses a string compared with a boolean, a number operator on a string and a list operator on a single value', async () => {
    const problems = await problemsAfter(
      withConditions(GOTO, [
        { fact: 'account', path: '$.cardOnFile', operator: 'equal', value: 'false' },
        { fact: 'account', path: '$.style', operator: 'lessThan', value: 3 },
        { fact: 'account', path: '$.style', operator: 'contains', value: 'goto' },
        { fact: 'actor', path: '$.roles', operator: 'equal', value: 'admin' },
        {
          fact: 'actor',
          path: '$.permissions',
          operator: 'containsAny',
          value: { fact: 'params', path: '$.purchase.gotoRequiresSuperAdminAndCard' },
        },
      ]),
    );
    expect(problems).toEqual([
      `${GOTO}: /rule/conditions/all/0/value: account.cardOnFile (a boolean) can never equal "false" (a string)`,
      `${GOTO}: /rule/conditions/all/1/operator: lessThan compares numbers but account.style is a string`,
      `${GOTO}: /rule/conditions/all/2/operator: contains needs a list but account.style is a string`,
      `${GOTO}: /rule/conditions/all/3/operator: equal compares single values but actor.roles is a string list (lists and objects are never equal to anything)`,
      `${GOTO}: /rule/conditions/all/4/value: containsAny compares two lists but params.purchase.gotoRequiresSuperAdminAndCard is a boolean`,
    ]);
  });

  it('accepts null for a value that may be null, and what every shipped rule compares', async () => {
    const problems = await problemsAfter(
      withConditions('suite-parity/same-seat-count.rule.json', [
        { fact: 'suite', path: '$.id', operator: 'notEqual', value: null },
      ]),
    );
    expect(problems.filter((p) => p.includes('can never'))).toEqual([]);
  });

  it('applies operator decorators before comparing', () => {
    const roles: FactShape = { type: 'list', items: { type: 'string' } };
    const count: FactShape = { type: 'number' };
    const fact = (shape: FactShape) => ({ shape, label: 'fact' });
    const value = (shape: FactShape) => ({ shape, label: 'value' });
    expect(operandProblem('someFact:equal', fact(roles), value({ type: 'string' }))).toBeUndefined();
    expect(operandProblem('someFact:equal', fact(roles), value(count))).toEqual({
      at: 'value',
      problem: 'an element of fact (a string) can never equal value (a number)',
    });
    expect(operandProblem('someFact:equal', fact(count), value(count))).toEqual({
      at: 'operator',
      problem: 'someFact: needs a list but fact is a number',
    });
    expect(operandProblem('swap:contains', fact({ type: 'string' }), value(roles))).toBeUndefined();
    expect(operandProblem('not:greaterThan', fact(count), value({ type: 'string' }))).toEqual({
      at: 'value',
      problem: 'greaterThan compares numbers but value is a string',
    });
  });

  it('reads a [*] path as a list of the field', () => {
    const product: FactShape = {
      type: 'object',
      properties: { holders: { type: 'list', items: { type: 'object', properties: { userId: { type: 'string' } } } } },
    };
    expect(shapeAtPath(product, '$.holders[*].userId', 'product')).toEqual({
      shape: { type: 'list', items: { type: 'string' } },
    });
  });
});

describe('placeholders', () => {
  it('refuses a placeholder path that does not exist, suggesting the close one', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(NOTICE, (r) => void (r.message = '{{product.id}}: {{product.availabel}} left')),
    );
    expect(problems).toEqual([
      `${NOTICE}: /message: placeholder {{product.availabel}}: unknown path "$.availabel" in fact "product": did you mean "$.available"?`,
    ]);
  });

  it('refuses a placeholder that would show an object', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(NOTICE, (r) => void ((r.effects as Json[])[0]!.productId = '{{product}}')),
    );
    expect(problems).toEqual([
      `${NOTICE}: /effects/0/productId: placeholder {{product}} names an object, which shows as "[object Object]": name one of its values`,
    ]);
  });
});

describe('data files', () => {
  it('refuses a data file that does not match its schema', async () => {
    const problems = await problemsAfter((c) => {
      c.edit('data/downgrade.json', (d) => void (d.defaultOrder = 'newest'));
      c.edit('data/roles.json', (d) => void (d.seatBuyers = 'admin'));
    });
    expect(problems).toEqual([
      'data/downgrade.json: /defaultOrder: must be one of "most_recent_first", "alphabetical", "explicit"',
      'data/roles.json: /seatBuyers: must be array',
      // Rules compare with the values as they are, so the rule reading it says what breaks.
      'who-may-act/purchase-requires-admin.rule.json: /rule/conditions/all/1/value: containsNone compares two lists but params.roles.seatBuyers is a string',
    ]);
  });

  it('refuses a data file without a schema, suggesting a close name', async () => {
    const problems = await problemsAfter((c) => writeFileSync(join(c.dir, 'data/role.json'), '{}'));
    expect(problems).toEqual([
      'data/role.json: (root): no schema for this data file (did you mean data/roles.json?): add ' +
        'libs/rules/schema/data/role.schema.json and list it in src/authoring/data-schemas.ts',
    ]);
  });
});

describe('example and case facts', () => {
  it('refuses example facts that lack what the service provides, or hold what it does not', async () => {
    const problems = await problemsAfter((c) =>
      c.edit('examples/assign.json', (e) => {
        delete (e.user as Json).hasRetainedConfiguration;
        (e.account as Json).cardOnFile = 'yes';
        e.suite = { id: null, seatCountsAfter: [] };
      }),
    );
    expect(problems).toEqual([
      'examples/assign.json: /account/cardOnFile: must be a boolean, not "yes"',
      'examples/assign.json: /user: missing "hasRetainedConfiguration" (the service always provides it)',
      'examples/assign.json: /suite: fact "suite" is not provided at decision point assign (the facts at assign: actor, account, request, products, user)',
    ]);
  });

  it('refuses a decision point without example facts', async () => {
    const problems = await problemsAfter((c) => rmSync(join(c.dir, 'examples/unassign.json')));
    expect(problems).toEqual(['examples/unassign.json: (root): missing: every decision point needs its example facts']);
  });

  it('refuses case facts a rule could never see (a typo would make the case test nothing)', async () => {
    const problems = await problemsAfter((c) =>
      c.edit('who-may-act/reduce-seats.cases.json', (f) => {
        (f.cases as Json[])[0]!.facts = { actor: { isowner: false }, params: { roles: {} } };
      }),
    );
    expect(problems).toEqual([
      'who-may-act/reduce-seats.cases.json: /cases/0/facts/actor/isowner: "isowner" is not in the fact catalogue: did you mean "isOwner"?',
      'who-may-act/reduce-seats.cases.json: /cases/0/facts/params: params come from policies/data and cannot be set here',
    ]);
  });
});
