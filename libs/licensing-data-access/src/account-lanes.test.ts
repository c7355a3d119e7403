import { describe, expect, it } from 'vitest';
import { AccountLanes, type LaneJob } from './account-lanes.js';

/** A lane runner that records its runs and answers each job with its own name, after `hold`. */
function recordingLanes(options: { takeAtMost?: number } = {}) {
  const runs: { account: string; jobs: string[] }[] = [];
  let running = 0;
  let maxRunning = 0;
  const gates: (() => void)[] = [];
  const lanes = new AccountLanes<string>(async (account, take) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    const taken: LaneJob<string>[] = [];
    for (let job = take(); job; job = taken.length < (options.takeAtMost ?? Infinity) ? take() : undefined)
      taken.push(job);
    runs.push({ account, jobs: taken.map((j) => j.work) });
    await new Promise<void>((release) => gates.push(release));
    running--;
    for (const job of taken) job.resolve(job.work);
  });
  const releaseAll = async () => {
    while (gates.length > 0 || lanes.busyAccounts > 0) {
      gates.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { lanes, runs, releaseAll, maxRunning: () => maxRunning };
}

describe('AccountLanes', () => {
  it('starts a run at once for an idle account, and gives every job that came meanwhile to the next run, in order', async () => {
    const { lanes, runs, releaseAll } = recordingLanes();
    const answers = [lanes.submit('a', 'a1'), lanes.submit('a', 'a2'), lanes.submit('a', 'a3')];
    await new Promise((resolve) => setImmediate(resolve));
    const late = lanes.submit('a', 'a4');
    await releaseAll();
    expect(await Promise.all([...answers, late])).toEqual(['a1', 'a2', 'a3', 'a4']);
    // a1 started alone at once; a2, a3 and a4 came while it ran, and the next run took them all.
    expect(runs).toEqual([
      { account: 'a', jobs: ['a1'] },
      { account: 'a', jobs: ['a2', 'a3', 'a4'] },
    ]);
  });

  it('runs one account at a time but different accounts side by side', async () => {
    const { lanes, runs, releaseAll, maxRunning } = recordingLanes({ takeAtMost: 1 });
    const answers = [lanes.submit('a', 'a1'), lanes.submit('b', 'b1'), lanes.submit('a', 'a2')];
    await new Promise((resolve) => setImmediate(resolve));
    // a2 waits for a1's run to end; b1 did not wait for a.
    expect(runs.map((r) => r.jobs)).toEqual([['a1'], ['b1']]);
    await releaseAll();
    expect(await Promise.all(answers)).toEqual(['a1', 'b1', 'a2']);
    expect(maxRunning()).toBe(2);
    expect(lanes.busyAccounts).toBe(0);
  });

  it('fails the job at the front when a run throws before taking anything, instead of looping on it', async () => {
    const lanes = new AccountLanes<string>(async () => {
      throw new Error('runner broke');
    });
    await expect(lanes.submit('a', 'a1')).rejects.toThrow('runner broke');
    expect(lanes.busyAccounts).toBe(0);
  });

  it('fails the job at the front when a run returns without taking anything, instead of looping on it', async () => {
    let runs = 0;
    const lanes = new AccountLanes<string>(async () => {
      runs++;
      // Yields as a database call would, so that a lane looping on the job fails by timeout.
      await new Promise((resolve) => setImmediate(resolve));
    });
    const answers = [lanes.submit('a', 'a1'), lanes.submit('a', 'a2')].map((p) =>
      p.then(
        () => 'answered',
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(answers)).toEqual([
      'a run of account a took no job from its lane',
      'a run of account a took no job from its lane',
    ]);
    expect(runs).toBe(2);
    expect(lanes.busyAccounts).toBe(0);
  });

  it('fails the jobs a run took and had not answered when it throws, and keeps the answers it gave', async () => {
    const lanes = new AccountLanes<string>(async (_account, take) => {
      // Both jobs are in the lane once the run gets going.
      await new Promise((resolve) => setImmediate(resolve));
      const first = take()!;
      take();
      first.resolve(first.work);
      throw new Error('runner broke midway');
    });
    const answers = [lanes.submit('a', 'a1'), lanes.submit('a', 'a2')].map((p) =>
      p.then(
        (v) => v,
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(answers)).toEqual(['a1', 'runner broke midway']);
    expect(lanes.busyAccounts).toBe(0);
  });
});
