import { describe, expect, it } from 'vitest';
import { readPolicies } from './checker.js';
import { mergeFacts } from './cases.js';
import { DEFAULT_POLICIES_DIR, loadRuleSet } from './load.js';
import { FactsError } from './rule-set.js';
import { copyPolicies } from './test-support.js';

const ruleSet = await loadRuleSet();
const examples = readPolicies(DEFAULT_POLICIES_DIR).examples;
const factsFor = (point: string, changes: Record<string, unknown> = {}) => mergeFacts(examples.get(point), changes) as Record<string, unknown>;

describe('decide', () => {
  it('allows the example facts of every decision point', async () => {
    for (const [point] of examples) expect((await ruleSet.decide(point, factsFor(point))).allowed, point).toBe(true);
  });

  it('returns every violated deny rule, not just the first', async () => {
    const decision = await ruleSet.decide('assign', factsFor('assign', { actor: { roles: ['member'] }, products: [{ availableAfter: -1 }] }));
    expect(decision.allowed).toBe(false);
    expect(decision.violations.map((v) => v.ruleId)).toEqual(['seat-limits.no-assignment-beyond-purchased', 'who-may-act.assign-and-unassign']);
  });

  it('evaluates per-product rules once per product and says which product', async () => {
    const decision = await ruleSet.decide('assign', factsFor('assign', { products: [{ id: 'a', availableAfter: -1 }, { id: 'b', availableAfter: -2 }] }));
    expect(decision.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^a: /),
      expect.stringMatching(/^b: /),
    ]);
    expect(decision.trace.filter((t) => t.ruleId === 'seat-limits.no-assignment-beyond-purchased').map((t) => t.productId)).toEqual(['a', 'b']);
  });

  it('traces each condition with the fact value it saw', async () => {
    const decision = await ruleSet.decide('queue_membership', factsFor('queue_membership', { actor: { roles: ['member'] } }));
    const trace = decision.trace.find((t) => t.ruleId === 'who-may-act.manage-queues')!;
    expect(trace.fired).toBe(true);
    expect(trace.conditions[0]).toMatchObject({ fact: 'actor', path: '$.roles', operator: 'containsNone', value: ['super_admin', 'admin'], factValue: ['member'], result: true });
  });

  it('refuses an unknown decision point and missing facts precisely', async () => {
    await expect(ruleSet.decide('buy', {})).rejects.toThrow(new FactsError('unknown decision point "buy" (known: assign, unassign, set_features, create_user, purchase_seats, request_seats_from_sales, reduce_seats, queue_membership)'));
    await expect(ruleSet.decide('assign', { actor: {} })).rejects.toThrow('decision point assign needs facts: account, request, products, user');
  });

  it('ignores rules before their effective date', async () => {
    const copy = copyPolicies();
    try {
      copy.edit('who-may-act/manage-queues.rule.json', (r) => void (r.effectiveDate = '2030-01-01'));
      const later = await loadRuleSet(copy.dir);
      const facts = factsFor('queue_membership', { actor: { roles: ['member'] } });
      expect((await later.decide('queue_membership', facts, { now: new Date('2029-12-31T23:00:00Z') })).allowed).toBe(true);
      expect((await later.decide('queue_membership', facts, { now: new Date('2030-01-01T00:00:00Z') })).allowed).toBe(false);
    } finally {
      copy.remove();
    }
  });

  it('has a version that follows the content', async () => {
    expect((await loadRuleSet()).version).toBe(ruleSet.version);
    const copy = copyPolicies();
    try {
      copy.edit('data/retention.json', (d) => void (d.days = 8));
      expect((await loadRuleSet(copy.dir)).version).not.toBe(ruleSet.version);
    } finally {
      copy.remove();
    }
  });
});
