import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicies } from '../authoring/checker.js';
import { mergeFacts } from '../authoring/cases.js';
import type { RuleSetError } from '../engine/rule-file.js';
import type { RuleSet } from '../engine/rule-set.js';
import { copyPolicies, until } from '../../test/test-support.js';
import { watchRules, type RuleWatcher } from './watch.js';

let copy: ReturnType<typeof copyPolicies>;
let watcher: RuleWatcher | undefined;
afterEach(() => {
  watcher?.close();
  copy?.remove();
});

describe('watchRules', () => {
  it('keeps the previous rule set deciding when an edit is broken, and names the file and problem', async () => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    watcher = await watchRules(copy.dir, { onError: (e) => errors.push(e), debounceMs: 20 });
    const before = watcher.current();
    const facts = mergeFacts(readPolicies(copy.dir).examples.get('queue_membership'), {
      actor: { roles: ['member'] },
    }) as Record<string, unknown>;

    writeFileSync(join(copy.dir, 'who-may-act/manage-queues.rule.json'), '{ "id": "who-may-act.manage-queues", ');
    const error = await until(() => errors[0]);

    expect(error.message).toMatch(/^who-may-act\/manage-queues\.rule\.json: \(root\): invalid JSON/);
    expect(error.message).toMatch(
      /\ndrift: the policies on disk \(version \w+\) are refused; the active rule set \(version \w+\) keeps deciding until they check$/,
    );
    expect(watcher.current()).toBe(before);
    expect((await watcher.current().decide('queue_membership', facts)).violations.map((v) => v.ruleId)).toEqual([
      'who-may-act.manage-queues',
    ]);
  });

  it('switches to a fixed edit and reports the new version', async () => {
    copy = copyPolicies();
    const reloads: RuleSet[] = [];
    watcher = await watchRules(copy.dir, { onReload: (r) => reloads.push(r), debounceMs: 20 });
    const before = watcher.current().version;
    // Supervisors may manage queues: no case says otherwise, so the set passes its cases and loads.
    copy.edit('data/roles.json', (d) => void (d.queueManagers = ['super_admin', 'admin', 'supervisor']));
    const next = await until(() => reloads[0]);
    expect(next.version).not.toBe(before);
    expect(watcher.current()).toBe(next);
    const facts = mergeFacts(readPolicies(copy.dir).examples.get('queue_membership'), {
      actor: { roles: ['supervisor'] },
    }) as Record<string, unknown>;
    expect((await next.decide('queue_membership', facts)).allowed).toBe(true);
  });

  it('says the files on disk drift from the active set while refused, and not once they are back', async () => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    watcher = await watchRules(copy.dir, { onError: (e) => errors.push(e), debounceMs: 20 });
    expect(watcher.drift()).toBeNull();
    const file = join(copy.dir, 'who-may-act/manage-queues.rule.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, '{ "id": ');
    await until(() => errors[0]);
    expect(watcher.drift()).toMatch(/^\w+$/);
    expect(watcher.drift()).not.toBe(watcher.current().version);
    // Back to the active set's files: nothing to reload, and nothing drifts any more.
    writeFileSync(file, original);
    await until(() => watcher!.drift() === null || undefined);
    expect(errors).toHaveLength(1);
  });
}, 60_000);
