import { describe, expect, it } from 'vitest';
import { readPolicies } from '../authoring/checker.js';
import { mergeFacts } from '../authoring/cases.js';
import { DEFAULT_POLICIES_DIR, loadRuleSet } from '../loading/load.js';
import { FactsError } from './rule-set.js';
import { copyPolicies } from '../../test/test-support.js';

const ruleSet = await loadRuleSet();
const examples = readPolicies(DEFAULT_POLICIES_DIR).examples;
const factsFor = (point: string, changes: Record<string, unknown> = {}) =>
  mergeFacts(examples.get(point), changes) as Record<string, unknown>;

describe('decide', () => {
  it('allows the example facts of every decision point', async () => {
    for (const [point] of examples) expect((await ruleSet.decide(point, factsFor(point))).allowed, point).toBe(true);
  });

  it('returns every violated deny rule, not just the first', async () => {
    const decision = await ruleSet.decide(
      'assign',
      factsFor('assign', { actor: { roles: ['member'] }, products: [{ availableAfter: -1 }] }),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.violations.map((v) => v.ruleId)).toEqual([
      'seat-limits.no-assignment-beyond-purchased',
      'who-may-act.assign-and-unassign',
    ]);
  });

  it('evaluates per-product rules once per product and says which product', async () => {
    const product = (factsFor('assign').products as Record<string, unknown>[])[0]!;
    const decision = await ruleSet.decide(
      'assign',
      factsFor('assign', {
        products: [
          { ...product, id: 'a', availableAfter: -1 },
          { ...product, id: 'b', availableAfter: -2 },
        ],
      }),
    );
    expect(decision.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^a: /),
      expect.stringMatching(/^b: /),
    ]);
    expect(
      decision.trace.filter((t) => t.ruleId === 'seat-limits.no-assignment-beyond-purchased').map((t) => t.productId),
    ).toEqual(['a', 'b']);
  });

  it('traces each condition with the fact value it saw', async () => {
    const decision = await ruleSet.decide(
      'queue_membership',
      factsFor('queue_membership', { actor: { roles: ['member'] } }),
    );
    const trace = decision.trace.find((t) => t.ruleId === 'who-may-act.manage-queues')!;
    expect(trace.fired).toBe(true);
    expect(trace.conditions[0]).toMatchObject({
      fact: 'actor',
      path: '$.roles',
      operator: 'containsNone',
      value: ['super_admin', 'admin'],
      factValue: ['member'],
      result: true,
    });
  });

  it('authorizes from the actor and account alone, with the who-may-act rules of the point only', async () => {
    const { actor, account } = factsFor('assign');
    const member = await ruleSet.authorize('assign', {
      actor: { ...(actor as object), roles: ['member'], permissions: [] },
      account,
    });
    expect(member.allowed).toBe(false);
    expect(member.violations.map((v) => v.ruleId)).toEqual(['who-may-act.assign-and-unassign']);
    expect(new Set(member.trace.map((t) => t.ruleId.split('.')[0]))).toEqual(new Set(['who-may-act']));
    expect((await ruleSet.authorize('assign', { actor, account })).allowed).toBe(true);
    await expect(ruleSet.authorize('assign', { actor, account: undefined })).rejects.toThrow(
      'authorizing at assign needs facts: account',
    );
  });

  it('decides complete_sales_order from the actor and account alone: only a service with the scope', async () => {
    const { actor, account } = factsFor('complete_sales_order');
    expect((await ruleSet.authorize('complete_sales_order', { actor, account })).allowed).toBe(true);
    const admin = await ruleSet.authorize('complete_sales_order', {
      actor: { ...(actor as object), kind: 'user', roles: ['admin'], scopes: [] },
      account,
    });
    expect(admin.violations).toEqual([
      {
        ruleId: 'who-may-act.complete-sales-order-needs-scope',
        message: 'Completing sales orders needs a service identity with the sales_orders:complete scope',
      },
    ]);
    const decision = await ruleSet.decide('complete_sales_order', { actor, account }, { authorized: true });
    expect(decision).toMatchObject({ allowed: true, violations: [], warnings: [], effects: [], trace: [] });
  });

  // An info rule's message is what its effect means to the admin ("kept for 7 days"): it travels with it.
  it("gives each effect its rule's message, rendered with the facts and the rule data", async () => {
    const facts = factsFor('unassign', {
      request: { productIds: ['goto_connect_standard'] },
      user: { id: 'usr_1', hasPhoneConfiguration: true },
    });
    const decision = await ruleSet.decide('unassign', facts, { authorized: true });
    const retained = decision.effects.find((e) => e.type === 'configuration_retained');
    expect(retained).toMatchObject({
      ruleId: 'retention.retain-phone-configuration',
      userId: 'usr_1',
      message: expect.stringMatching(/^usr_1's phone configuration is kept for 7 days/),
    });
  });

  it('once authorized, decides without asking the who-may-act rules again', async () => {
    const facts = factsFor('assign', { actor: { roles: ['member'] }, products: [{ availableAfter: -1 }] });
    const decision = await ruleSet.decide('assign', facts, { authorized: true });
    expect(decision.violations.map((v) => v.ruleId)).toEqual(['seat-limits.no-assignment-beyond-purchased']);
    expect(decision.trace.some((t) => t.ruleId.startsWith('who-may-act.'))).toBe(false);
  });

  it('refuses an unknown decision point and missing facts precisely', async () => {
    await expect(ruleSet.decide('buy', {})).rejects.toThrow(
      new FactsError(
        'unknown decision point "buy" (known: assign, unassign, set_features, create_user, purchase_seats, ' +
          'request_seats_from_sales, complete_sales_order, reduce_seats, queue_membership, administer_account, ' +
          'cancel_sales_order, manage_user)',
      ),
    );
    await expect(ruleSet.decide('assign', { actor: {} })).rejects.toThrow(
      'decision point assign needs facts: account, request, products, user',
    );
  });

  it('names every fact value the rules of the point read and the facts lack', async () => {
    const facts = factsFor('assign');
    const user = { ...(facts.user as Record<string, unknown>) };
    delete user.hasRetainedConfiguration;
    const products = [{ id: 'goto_meeting', purchased: 1 }];
    const error = await ruleSet.decide('assign', { ...facts, user, products }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FactsError);
    expect((error as FactsError).missing).toEqual([
      'products[0].available',
      'products[0].availableAfter',
      'products[0].requested',
      'user.hasRetainedConfiguration',
    ]);
    expect((error as FactsError).message).toBe(
      'decision point assign needs fact values: products[0].available, products[0].availableAfter, products[0].requested, user.hasRetainedConfiguration',
    );
  });

  it('decides correctly when many decisions overlap (no shared engine state between runs)', async () => {
    const deny = factsFor('queue_membership', { actor: { roles: ['member'] } });
    const allow = factsFor('queue_membership');
    const decisions = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        for (let k = 0; k < i % 37; k += 1) await null; // start at staggered moments
        return ruleSet.decide(
          i % 2 ? 'queue_membership' : 'reduce_seats',
          i % 2 ? deny : factsFor('reduce_seats', { actor: { roles: ['member'] } }),
        );
      }),
    );
    expect(decisions.filter((d) => d.allowed)).toEqual([]);
    expect(new Set(decisions.filter((d) => d.point === 'queue_membership').map((d) => d.trace.length)).size).toBe(1);
    expect((await ruleSet.decide('queue_membership', allow)).allowed).toBe(true);
  });

  it('traces how conditions combine: groups with their results and each leaf at its place in the file', async () => {
    const decision = await ruleSet.decide('assign', factsFor('assign', { actor: { roles: ['member'] } }));
    const trace = decision.trace.find((t) => t.ruleId === 'who-may-act.assign-and-unassign')!;
    expect(trace.groups).toEqual([
      { at: '/', operator: 'any', result: true },
      { at: '/any/0', operator: 'all', result: true },
      { at: '/any/1', operator: 'all', result: false },
    ]);
    expect(trace.conditions.map((c) => c.at)).toEqual([
      '/any/0/all/0',
      '/any/0/all/1',
      '/any/0/all/2',
      '/any/1/all/0',
      '/any/1/all/1',
    ]);
  });

  it('ignores rules before their effective date', async () => {
    const copy = copyPolicies();
    try {
      copy.edit('who-may-act/manage-queues.rule.json', (r) => void (r.effectiveDate = '2030-01-01'));
      const later = await loadRuleSet(copy.dir);
      const facts = factsFor('queue_membership', { actor: { roles: ['member'] } });
      expect((await later.decide('queue_membership', facts, { now: new Date('2029-12-31T23:00:00Z') })).allowed).toBe(
        true,
      );
      expect((await later.decide('queue_membership', facts, { now: new Date('2030-01-01T00:00:00Z') })).allowed).toBe(
        false,
      );
    } finally {
      copy.remove();
    }
  });

  it('has a version that follows the content', async () => {
    expect((await loadRuleSet()).version).toBe(ruleSet.version);
    const copy = copyPolicies();
    try {
      // Not the retention window: a case pins its 7 days, so that edit is refused.
      copy.edit('data/seat-thresholds.json', (d) => void (d.percents = [75]));
      expect((await loadRuleSet(copy.dir)).version).not.toBe(ruleSet.version);
    } finally {
      copy.remove();
    }
  });
});
