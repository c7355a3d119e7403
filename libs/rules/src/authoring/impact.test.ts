import { afterEach, describe, expect, it } from 'vitest';
import { copyPolicies } from '../../test/test-support.js';
import { DEFAULT_POLICIES_DIR } from '../loading/load.js';
import type { RuleSet } from '../engine/rule-set.js';
import { mergeFacts, verifyPolicies } from './cases.js';
import { impactOf, type EditedPolicies, type RecordedDecision } from './impact.js';
import { readPolicies } from './checker.js';

const shipped = await verifyPolicies(DEFAULT_POLICIES_DIR);
const base = shipped.ruleSet!;
const examples = readPolicies(DEFAULT_POLICIES_DIR).examples;
const AT = new Date('2026-12-01T10:00:00Z');

/** A decision as the service would have logged it: decided by the shipped rules on the example facts changed by `change`. */
async function recorded(
  id: string,
  stage: RecordedDecision['stage'],
  point: string,
  change: Record<string, unknown>,
): Promise<RecordedDecision> {
  const { params: _params, ...facts } = mergeFacts(examples.get(point), change) as Record<string, unknown>;
  const decision =
    stage === 'who_may_act'
      ? await base.authorize(point, { actor: facts.actor, account: facts.account }, { now: AT })
      : await base.decide(point, facts, { now: AT, authorized: true });
  const kept = stage === 'who_may_act' ? { actor: facts.actor, account: facts.account } : facts;
  return JSON.parse(
    JSON.stringify({
      id,
      accountId: 'acct_a',
      requestId: `req-${id}`,
      point,
      stage,
      allowed: decision.allowed,
      ruleSetVersion: decision.ruleSetVersion,
      facts: kept,
      violations: decision.violations,
      warnings: decision.warnings,
      effects: decision.effects,
    }),
    // Stored and read back as the decision log does: JSON, with the time as a Date again.
  ) as RecordedDecision & { decidedAt: Date };
}

const log = async () =>
  (
    await Promise.all([
      recorded('dec_connect', 'rules', 'unassign', {
        request: { productIds: ['goto_connect_standard'] },
        user: { productIds: ['goto_connect_standard'], hasPhoneConfiguration: true },
      }),
      recorded('dec_meeting', 'rules', 'unassign', { user: { hasPhoneConfiguration: true } }),
      recorded('dec_admin', 'who_may_act', 'assign', { actor: { roles: ['admin'] } }),
      recorded('dec_super', 'who_may_act', 'assign', { actor: { roles: ['super_admin'] } }),
    ])
  ).map((d) => ({ ...d, decidedAt: AT }));

const edited = async (dir: string): Promise<EditedPolicies> => {
  const verification = await verifyPolicies(dir);
  return { ...verification, ruleSet: verification.ruleSet as RuleSet };
};

describe('impact of an edit on recorded decisions', () => {
  let policies: ReturnType<typeof copyPolicies> | undefined;
  afterEach(() => policies?.remove());

  it('names exactly the decisions a longer retention window changes, uncovered until a case states it', async () => {
    policies = copyPolicies();
    policies.edit('data/retention.json', (json) => ({ ...json, days: 14 }));
    const decisions = await log();
    const report = await impactOf(decisions, await edited(policies.dir), base);
    expect(report).toMatchObject({ replayed: 4, changed: 1, nowDenied: 0, nowAllowed: 0, covered: false });
    expect(report.rules.map((r) => [r.ruleId, r.decisions, r.kinds, r.uncoveredPoints])).toEqual([
      ['retention.retain-phone-configuration', 1, { effect_added: 1, effect_removed: 1 }, ['unassign']],
    ]);
    const [example] = report.rules[0]!.examples;
    expect(example!.decision.id).toBe('dec_connect');
    expect(example!.before.join()).toMatch(/"days":7/);
    expect(example!.after.join()).toMatch(/"days":14/);

    // The case that stated 7 days fails now; stating 14 days covers the change.
    policies.edit('retention/retain-phone-configuration.cases.json', (json) =>
      JSON.parse(
        JSON.stringify(json).replaceAll('kept for 7 days', 'kept for 14 days').replaceAll('"days":7', '"days":14'),
      ),
    );
    const covered = await impactOf(decisions, await edited(policies.dir), base);
    expect(covered.covered).toBe(true);
    expect(covered.rules.map((r) => [r.ruleId, r.uncoveredPoints])).toEqual([
      ['retention.retain-phone-configuration', []],
    ]);
  });

  it('reports an allowed decision the edit would deny, per rule, and accepts what the author reviewed', async () => {
    policies = copyPolicies();
    policies.edit('data/roles.json', (json) => ({ ...json, licenseManagers: ['super_admin'] }));
    const decisions = await log();
    const report = await impactOf(decisions, await edited(policies.dir), base);
    expect(report).toMatchObject({ changed: 1, nowDenied: 1, nowAllowed: 0, covered: false });
    expect(report.rules.map((r) => [r.ruleId, r.kinds, r.examples.map((e) => e.decision.id)])).toEqual([
      ['who-may-act.assign-and-unassign', { now_denies: 1 }, ['dec_admin']],
    ]);
    const accepted = await impactOf(decisions, await edited(policies.dir), base, {
      accept: ['who-may-act.assign-and-unassign'],
    });
    expect(accepted.covered).toBe(true);
  });

  it('changes nothing when the rules are the same', async () => {
    const report = await impactOf(await log(), { ...shipped, ruleSet: base }, base);
    expect(report).toMatchObject({ replayed: 4, changed: 0, rules: [], covered: true });
  });
});
