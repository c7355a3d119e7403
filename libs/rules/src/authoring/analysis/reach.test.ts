/**
 * "Can this decision point ever allow? Can this effect ever occur in an allowed decision?" (issue
 * 23): a counterexample that really decides as claimed, a proof naming the rules and conditions,
 * or "unknown", never a proof the analysis does not have.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRules, readPolicies } from '../checker.js';
import { FACTS } from '../../engine/catalogue.js';
import { formatProblem, type ConditionNode } from '../../engine/rule-file.js';
import { RuleSet } from '../../engine/rule-set.js';
import { DEFAULT_POLICIES_DIR } from '../../loading/load.js';
import { copyPolicies } from '../../../test/test-support.js';
import { analyseReach, type Answer, type ReachReport } from './reach.js';
import { printReach } from './reach-report.js';
import { ENUMERATED_VALUES } from './reach-search.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

const FAR_FUTURE = new Date('2100-01-01');

/** Adds a rule (and a cases file, so that `check` has nothing else to say) to a copy of the policies. */
function addRule(
  c: ReturnType<typeof copyPolicies>,
  file: string,
  rule: {
    severity: 'deny' | 'warn' | 'info';
    decisionPoints: string[];
    conditions: ConditionNode;
    effects?: unknown[];
  },
) {
  const id = file.replace(/\.rule\.json$/, '').replace('/', '.');
  const point = rule.decisionPoints[0]!;
  writeFileSync(
    join(c.dir, file),
    JSON.stringify({
      $schema: '../../schema/rule.schema.json',
      id,
      title: `Test rule ${id}`,
      description: 'A rule the reach analysis test adds.',
      message: 'test rule fired',
      severity: rule.severity,
      owner: 'policy-team@acme.dev',
      effectiveDate: '2026-06-01',
      decisionPoints: rule.decisionPoints,
      ...(rule.effects ? { effects: rule.effects } : {}),
      rule: { conditions: rule.conditions },
    }),
  );
  writeFileSync(
    join(c.dir, file.replace(/\.rule\.json$/, '.cases.json')),
    JSON.stringify({
      $schema: '../../schema/cases.schema.json',
      rule: id,
      cases: [
        { name: 'fires', point, facts: {}, fires: true },
        { name: 'does not fire', point, facts: {}, fires: false },
      ],
    }),
  );
}

const reachOf = async (dir: string) => {
  const sources = readPolicies(dir);
  expect(sources.problems).toEqual([]);
  return { sources, report: await analyseReach(sources.rules, sources.params, sources.examples) };
};

const pointOf = (report: ReachReport, point: string) => report.points.find((p) => p.point === point)!;
const allowFor = (report: ReachReport, point: string, account: Record<string, string>): Answer =>
  pointOf(report, point).combinations.find(({ combination }) =>
    Object.entries(account).every(([field, value]) => combination.get(field) === value),
  )!.allow;

const problemsIn = async (dir: string) => (await checkRules(dir)).map(formatProblem);

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

describe('a warn or info rule that can never fire', () => {
  const editStart = (c: ReturnType<typeof copyPolicies>, change: (conditions: ConditionNode[]) => void) =>
    c.edit('contact-center/billing-starts-with-first-queue.rule.json', (r) =>
      change((r.rule as { conditions: { all: ConditionNode[] } }).conditions.all),
    );

  it('an info rule with `in []` is reported, with why', async () => {
    copy = copyPolicies();
    editStart(copy, (all) => void (all[2] = { fact: 'request', path: '$.role', operator: 'in', value: [] }));
    expect(await problemsIn(copy.dir)).toEqual([
      'contact-center/billing-starts-with-first-queue.rule.json: /rule/conditions/all/2: the rule can never fire: ' +
        'request.role in [] holds for no value (/rule/conditions/all/2)',
    ]);
  });

  it('a value the catalogue does not list (`account.style equal "zendsk"`) and a boolean neither true nor false', async () => {
    copy = copyPolicies();
    editStart(copy, (all) => void all.push({ fact: 'account', path: '$.style', operator: 'equal', value: 'zendsk' }));
    copy.edit('contact-center/billing-continues-after-connect-removal.rule.json', (r) => {
      const all = (r.rule as { conditions: { all: ConditionNode[] } }).conditions.all;
      all.push({ fact: 'user', path: '$.hasPhoneConfiguration', operator: 'notEqual', value: true });
      all.push({ fact: 'user', path: '$.hasPhoneConfiguration', operator: 'notEqual', value: false });
    });
    expect(await problemsIn(copy.dir)).toEqual([
      'contact-center/billing-continues-after-connect-removal.rule.json: /rule/conditions/all/2: the rule can never ' +
        'fire: user.hasPhoneConfiguration notEqual true and user.hasPhoneConfiguration notEqual false never hold ' +
        'together (user.hasPhoneConfiguration is true or false) (/rule/conditions/all/2, /rule/conditions/all/3)',
      'contact-center/billing-starts-with-first-queue.rule.json: /rule/conditions/all/4: the rule can never fire: ' +
        'account.style equal "zendsk" holds for none of its values (account.style is "goto" or "zendesk") ' +
        '(/rule/conditions/all/4)',
    ]);
  });

  it('a deny rule that can never fire is harmless; a rule switched off by a data file is a setting', async () => {
    copy = copyPolicies();
    copy.edit('contact-center/joining-a-queue-requires-contact-center.rule.json', (r) => {
      (r.rule as { conditions: { all: ConditionNode[] } }).conditions.all.push({
        fact: 'request',
        path: '$.role',
        operator: 'in',
        value: [],
      });
    });
    editStart(
      copy,
      (all) =>
        void all.push({
          fact: 'params',
          path: '$.purchase.gotoRequiresSuperAdminAndCard',
          operator: 'equal',
          value: false,
        }),
    );
    expect(await problemsIn(copy.dir)).toEqual([]);
    const { report } = await reachOf(copy.dir);
    expect(report.neverFiring.map((f) => [f.rule.id, f.fires, f.why])).toEqual([
      [
        'contact-center.billing-starts-with-first-queue',
        'switched off',
        'params.purchase.gotoRequiresSuperAdminAndCard equal false never hold(s) with the data files',
      ],
    ]);
  });
});

describe('npm run rules -- reach', () => {
  it('prints every answer: per point (and account values), per rule with effects, and the rules that never fire', async () => {
    const lines: string[] = [];
    expect(await printReach(DEFAULT_POLICIES_DIR, (line) => lines.push(line))).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('\nassign\n  can allow: yes, e.g. the example facts as they are\n');
    expect(text).toContain(
      '  account.style "zendesk", account.kind "self_service":\n    can allow: yes, e.g. account.style = "zendesk", actor.isOwner = true\n',
    );
    expect(text).toContain(
      '  account.style "goto", account.kind "sales_managed":\n    can allow: never (closed to these accounts: ' +
        'who-may-act.sales-managed-through-sales fires on every such request (account.kind equal "sales_managed"))\n',
    );
    expect(text).toMatch(
      /^ {2}billing_start \(contact-center\.billing-starts-with-first-queue\) in an allowed decision: yes, e\.g\. user\.queueMembershipCount = 0$/m,
    );
    expect(text).toContain('Warn and info rules that can never fire:\n  none\n');
    expect(lines.at(-1)).toBe('no problem');
  });
});

describe('the values the analysis relies on', () => {
  it('are the ones the catalogue lists', () => {
    for (const [key, values] of Object.entries(ENUMERATED_VALUES)) {
      const [fact, field] = key.split('.');
      expect(FACTS[fact!]!.description).toContain(`${field}: ${values.map((v) => JSON.stringify(v)).join('|')}`);
    }
  });
});
