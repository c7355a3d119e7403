/**
 * Cases can assert any rule's message (info rules' included) and an effect's fields: changing the
 * retention window from 7 to 14 days must break a case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergeFacts, runCases } from '../src/authoring/cases.js';
import { checkRules, readPolicies } from '../src/authoring/checker.js';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';
import { RuleSet } from '../src/engine/rule-set.js';
import { formatProblem } from '../src/engine/rule-file.js';
import { copyPolicies } from './test-support.js';

const RETAIN = 'retention/retain-phone-configuration.rule.json';
const SEVEN_DAYS = 'removing Connect keeps the configuration for 7 days and says so';

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

const effectsOf = (rule: Record<string, unknown>) => rule.effects as Record<string, unknown>[];

describe('case expectations', () => {
  it('the retained configuration says for how many days, as a number', async () => {
    const sources = readPolicies(DEFAULT_POLICIES_DIR);
    const ruleSet = new RuleSet(sources.rules, sources.params, sources.contents);
    const facts = mergeFacts(sources.examples.get('unassign'), {
      request: { productIds: ['goto_connect_standard'] },
      user: { hasPhoneConfiguration: true },
    }) as Record<string, unknown>;
    const decision = await ruleSet.decide('unassign', facts);
    expect(decision.effects.find((e) => e.type === 'configuration_retained')).toMatchObject({ days: 7 });
  });

  it('a retention window of 14 days fails the case that asserts 7, on the message and the effect', async () => {
    copy = copyPolicies();
    copy.edit('data/retention.json', (data) => void (data.days = 14));
    const report = await runCases(copy.dir);
    const failed = report.results.filter((r) => !r.passed);
    expect(failed.map((r) => r.name)).toEqual([SEVEN_DAYS]);
    expect(failed[0]!.failures).toEqual([
      expect.stringMatching(
        /^expected message "usr_1's phone configuration is kept for 7 days; .*", got \[".* 14 days; /,
      ),
      expect.stringMatching(/^expected effect \{.*"days":7\}, got \[\{.*"days":14,/),
    ]);
  });

  it("an info rule's message is checked: a wrong one fails the case", async () => {
    copy = copyPolicies();
    copy.edit(RETAIN, (rule) => void (rule.message = '{{user.id}} keeps the phone configuration'));
    const failed = (await runCases(copy.dir)).results.filter((r) => !r.passed);
    expect(failed.map((r) => [r.name, r.failures.length])).toEqual([[SEVEN_DAYS, 1]]);
  });

  it('the checker types days: a number, or a placeholder naming one, on configuration_retained only', async () => {
    const problemsAfter = async (edit: (rule: Record<string, unknown>) => void) => {
      copy?.remove();
      copy = copyPolicies();
      copy.edit(RETAIN, edit);
      return (await checkRules(copy.dir)).map(formatProblem);
    };
    expect(await problemsAfter((r) => void (effectsOf(r)[0]!.days = 7))).toEqual([]);
    expect(await problemsAfter((r) => void (effectsOf(r)[0]!.days = '{{user.id}}'))).toEqual([
      `${RETAIN}: /effects/0/days: placeholder {{user.id}} names a string: days is a number`,
    ]);
    expect(await problemsAfter((r) => void (effectsOf(r)[0]!.days = '7 days'))).toEqual([
      expect.stringMatching(new RegExp(`^${RETAIN}: /effects/0/days: must match pattern `)),
    ]);
    expect(await problemsAfter((r) => void (effectsOf(r)[0]!.days = '{{params.retention.dayz}}'))).toEqual([
      `${RETAIN}: /effects/0/days: unknown parameter "params.retention.dayz" (no such value in policies/data/retention.json)`,
    ]);
    expect(await problemsAfter((r) => void (effectsOf(r)[0]!.type = 'configuration_restored'))).toContain(
      `${RETAIN}: /effects/0/days: days is for configuration_retained, not configuration_restored`,
    );
  });
});
