/**
 * Every kind of broken policy edit reaches the running watcher: it is refused with its precise
 * problems (file, path, problem) and the previous rule set keeps deciding.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BROKEN_EDITS } from '../../test/broken-policies.js';
import { mergeFacts } from '../authoring/cases.js';
import { readPolicies } from '../authoring/checker.js';
import { formatProblem, type RuleSetError } from '../engine/rule-file.js';
import { copyPolicies, until } from '../../test/test-support.js';
import { RuleDriftError, watchRules, type RuleWatcher } from './watch.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
let watcher: RuleWatcher | undefined;
afterEach(() => {
  watcher?.close();
  copy?.remove();
});

describe('watchRules refuses every kind of broken edit', () => {
  it.each(BROKEN_EDITS.map((b) => [b.kind, b] as const))('%s', async (_kind, broken) => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    watcher = await watchRules(copy.dir, { onError: (e) => errors.push(e), debounceMs: 20 });
    const before = watcher.current();
    // A member adding a queue member: manage-queues denies it and the start rule bills it.
    const facts = mergeFacts(readPolicies(copy.dir).examples.get('queue_membership'), {
      actor: { roles: ['member'] },
      user: { queueMembershipCount: 0 },
    }) as Record<string, unknown>;
    const decided = await before.decide('queue_membership', facts);
    expect(decided.violations.map((v) => v.ruleId)).toEqual(['who-may-act.manage-queues']);

    broken.edit(copy);
    const error = await until(() => errors[0]);

    // The checker's problems, then the cases the edit makes fail, then the drift.
    const problems = [...broken.problems, ...(broken.failingCases ?? [])];
    expect(error.problems.map(formatProblem)).toEqual(problems);
    expect(error).toBeInstanceOf(RuleDriftError);
    const drift = error as RuleDriftError;
    expect(drift.activeVersion).toBe(before.version);
    expect(error.message).toBe(
      [
        ...problems,
        `drift: the policies on disk (version ${drift.diskVersion}) are refused; the active rule set ` +
          `(version ${before.version}) keeps deciding until they check`,
      ].join('\n'),
    );
    expect(watcher.current()).toBe(before);
    const after = await watcher.current().decide('queue_membership', facts);
    expect({ ...after, trace: [] }).toEqual({ ...decided, trace: [] });
  });
}, 60_000);
