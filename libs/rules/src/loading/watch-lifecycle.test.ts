/**
 * The watcher's life cycle: a broken edit followed by a fix switches to the fixed set, and after
 * close() no edit changes the active set or calls back.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleSetError } from '../engine/rule-file.js';
import type { RuleSet } from '../engine/rule-set.js';
import { copyPolicies, until } from '../../test/test-support.js';
import { watchRules, type RuleWatcher } from './watch.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
let watcher: RuleWatcher | undefined;
afterEach(() => {
  watcher?.close();
  copy?.remove();
});

describe('watchRules life cycle', () => {
  it('recovers with the fixed set after a broken edit is repaired', async () => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    const reloads: RuleSet[] = [];
    watcher = await watchRules(copy.dir, {
      onError: (e) => errors.push(e),
      onReload: (r) => reloads.push(r),
      debounceMs: 20,
    });
    const before = watcher.current();

    copy.edit('who-may-act/reduce-seats.rule.json', (rule) => void delete rule.owner);
    const error = await until(() => errors[0]);
    expect(error.message.split('\n')[0]).toBe(
      'who-may-act/reduce-seats.rule.json: (root): missing required metadata "owner"',
    );
    expect(error.problems).toEqual([
      { file: 'who-may-act/reduce-seats.rule.json', path: '(root)', problem: 'missing required metadata "owner"' },
    ]);
    expect(watcher.current()).toBe(before);

    copy.edit('who-may-act/reduce-seats.rule.json', (rule) => void (rule.owner = 'someone-else@acme.dev'));
    const next = await until(() => reloads[0]);
    expect(next.version).not.toBe(before.version);
    expect(watcher.current()).toBe(next);
  });

  it('stops reloading and calling back once closed', async () => {
    copy = copyPolicies();
    const calls: string[] = [];
    watcher = await watchRules(copy.dir, {
      onError: () => calls.push('error'),
      onReload: () => calls.push('reload'),
      debounceMs: 20,
    });
    const before = watcher.current();
    watcher.close();

    writeFileSync(join(copy.dir, 'who-may-act/reduce-seats.rule.json'), '{ broken');
    copy.edit('data/retention.json', (d) => void (d.days = 9));
    await sleep(300);
    expect(calls).toEqual([]);
    expect(watcher.current()).toBe(before);
  });
}, 60_000);
