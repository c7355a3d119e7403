/**
 * The watcher follows files saved by rename (`sed -i`, `mv`, editors that save atomically), reports
 * the drift of each refused content, and finds changes through its poll when no event arrives.
 * Every wait polls for the outcome with a generous timeout (test-support `until`): nothing here
 * asserts how fast a reload is.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

// A data value no case pins (a case asserts the retention window's 7 days, so changing it is refused).
const THRESHOLDS = 'data/seat-thresholds.json';

/** A save as `sed -i`, `mv` and atomic editors do it: a new file renamed over the old one. */
function saveByRename(dir: string, file: string, text: string): void {
  const path = join(dir, file);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('the watcher follows files saved by rename', () => {
  it('sees in-place edits of a file that was replaced by rename, and reports the drift of each refused one', async () => {
    copy = copyPolicies();
    const errors: RuleSetError[] = [];
    const reloads: RuleSet[] = [];
    // No poll: file events alone must carry every step.
    watcher = await watchRules(copy.dir, {
      onError: (e) => errors.push(e),
      onReload: (r) => reloads.push(r),
      debounceMs: 20,
      pollMs: 0,
    });
    const path = join(copy.dir, THRESHOLDS);
    const thresholds = JSON.parse(readFileSync(path, 'utf8')) as { percents: number[] };

    saveByRename(copy.dir, THRESHOLDS, JSON.stringify({ ...thresholds, percents: [75] }));
    const renamed = await until(() => reloads[0]);
    expect(renamed.params.seatThresholds).toEqual({ percents: [75] });

    // Before, the recursive watch still watched the file the rename replaced: this edit went unseen.
    writeFileSync(path, JSON.stringify({ ...thresholds, percents: [85] }));
    const edited = await until(() => reloads[1]);
    expect(edited.params.seatThresholds).toEqual({ percents: [85] });
    expect(watcher.current()).toBe(edited);

    writeFileSync(path, JSON.stringify({ ...thresholds, percents: ['ten'] }));
    const refused = await until(() => errors[0]);
    expect(refused.problems.map(formatProblem)).toEqual(['data/seat-thresholds.json: /percents/0: must be integer']);
    expect(refused).toBeInstanceOf(RuleDriftError);
    expect((refused as RuleDriftError).activeVersion).toBe(edited.version);
    expect(refused.message).toContain(
      `drift: the policies on disk (version ${(refused as RuleDriftError).diskVersion}) are refused; the ` +
        `active rule set (version ${edited.version}) keeps deciding`,
    );

    // A second, different refused content is reported again: the drift stays visible.
    saveByRename(copy.dir, THRESHOLDS, JSON.stringify({ ...thresholds, percents: [0] }));
    const again = await until(() => errors[1]);
    expect(again.problems.map(formatProblem)).toEqual(['data/seat-thresholds.json: /percents/0: must be >= 1']);
    expect((again as RuleDriftError).diskVersion).not.toBe((refused as RuleDriftError).diskVersion);
    expect(watcher.current()).toBe(edited);

    writeFileSync(path, JSON.stringify({ ...thresholds, percents: [95] }));
    const fixed = await until(() => reloads[2]);
    expect(fixed.params.seatThresholds).toEqual({ percents: [95] });
  });

  it('finds a change through the poll when no file event gets through', async () => {
    copy = copyPolicies();
    const reloads: RuleSet[] = [];
    // Events wait an hour: only the poll's comparison of content hashes can see the edit.
    watcher = await watchRules(copy.dir, { onReload: (r) => reloads.push(r), debounceMs: 3_600_000, pollMs: 20 });
    saveByRename(copy.dir, THRESHOLDS, JSON.stringify({ percents: [75, 100] }));
    const next = await until(() => reloads[0]);
    expect(next.params.seatThresholds).toEqual({ percents: [75, 100] });
  });
}, 60_000);
