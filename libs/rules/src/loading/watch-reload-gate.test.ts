/**
 * A reload runs the cases (and decides each point's example facts) before it switches: an edit
 * that checks but fails its own cases is refused, and `rules test` reports the same failures.
 * Every wait polls for the outcome with a generous timeout (test-support `until`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergeFacts, runCases } from '../authoring/cases.js';
import { readPolicies } from '../authoring/checker.js';
import { formatProblem, type RuleSetError } from '../engine/rule-file.js';
import type { RuleSet } from '../engine/rule-set.js';
import { copyPolicies, until } from '../../test/test-support.js';
import { RuleDriftError, watchRules, type RuleWatcher } from './watch.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
let watcher: RuleWatcher | undefined;
afterEach(() => {
  watcher?.close();
  copy?.remove();
});

const ASSIGN_RULE = 'who-may-act/assign-and-unassign.rule.json';
const memberAssigns = (dir: string) =>
  mergeFacts(readPolicies(dir).examples.get('assign'), { actor: { roles: ['member'] } }) as Record<string, unknown>;

describe('reload runs the cases before it switches', () => {
  it('refuses an edit that checks but fails its own cases (actor.kind equal "usr"), names each failing case, and keeps deciding', async () => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    const reloads: RuleSet[] = [];
    watcher = await watchRules(copy.dir, {
      onError: (e) => errors.push(e),
      onReload: (r) => reloads.push(r),
      debounceMs: 20,
      pollMs: 0,
    });
    const before = watcher.current();
    expect((await before.decide('assign', memberAssigns(copy.dir))).violations.map((v) => v.ruleId)).toEqual([
      'who-may-act.assign-and-unassign',
    ]);

    // A typo in a value the schema cannot know: every user caller would pass the who-may-act rule.
    copy.edit(
      ASSIGN_RULE,
      (r) =>
        void ((r.rule as { conditions: { any: { all: { value: unknown }[] }[] } }).conditions.any[0]!.all[0]!.value =
          'usr'),
    );
    const error = await until(() => errors[0]);

    // `rules test` reports the same failures: one function decides both.
    const report = await runCases(copy.dir);
    const failing = report.results.filter((r) => !r.passed);
    expect(failing.map((r) => r.name)).toEqual([
      'a member without manage_users may not assign',
      'a member may not create a user with licenses',
    ]);
    expect(error.problems.map(formatProblem)).toEqual(
      failing.map(
        (r) =>
          `who-may-act/assign-and-unassign.cases.json: /cases/${r.index}: case "${r.name}" fails: ${r.failures.join('; ')}`,
      ),
    );
    expect(error.problems.map(formatProblem)[0]).toBe(
      'who-may-act/assign-and-unassign.cases.json: /cases/0: case "a member without manage_users may not ' +
        'assign" fails: expected the rule to fire, it did not; ' +
        'expected allowed=false, got true (violations: none); expected message "Assigning or removing ' +
        'licenses needs the super admin or admin role or the manage_users permission", got []',
    );
    expect(error).toBeInstanceOf(RuleDriftError);
    expect(reloads).toEqual([]);
    expect(watcher.current()).toBe(before);
    expect((await watcher.current().decide('assign', memberAssigns(copy.dir))).allowed).toBe(false);
  });
}, 60_000);
