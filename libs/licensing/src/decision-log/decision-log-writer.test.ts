import { describe, expect, it } from 'vitest';
import type { DecisionLogInsert } from '@acme/licensing-data-access';
import { pino } from 'pino';
import { DecisionLogWriter } from './decision-log-writer.js';
import type { DecisionTaken } from './decision-trail.js';

const logger = pino({ level: 'silent' });
const call = {
  accountId: 'acct_a',
  requestId: 'req-1',
  principal: { subject: 'usr_a', kind: 'user' as const },
  dryRun: false,
};
const taken = (n: number): DecisionTaken => ({
  point: 'assign',
  stage: 'rules',
  allowed: true,
  ruleSetVersion: 'v1',
  factsJson: JSON.stringify({ n }),
  outcomeJson: JSON.stringify({ violations: [], warnings: [], effects: [] }),
  at: new Date(),
});

describe('DecisionLogWriter', () => {
  it('writes in batches, and again after a failed write, in order', async () => {
    const written: DecisionLogInsert[][] = [];
    let fail = true;
    const writer = new DecisionLogWriter({
      append: async (batch) => {
        if (fail) throw new Error('database down');
        written.push(batch);
      },
      logger,
      maxBatch: 2,
    });
    writer.record([taken(1), taken(2), taken(3)], call);
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 0, pending: 3, failedWrites: 1 });
    fail = false;
    await writer.flush();
    expect(written.map((b) => b.map((r) => (JSON.parse(r.factsJson) as { n: number }).n))).toEqual([[1, 2], [3]]);
    expect(writer.stats()).toMatchObject({ written: 3, pending: 0, dropped: 0 });
  });

  it('drops the oldest beyond maxPending, and counts them', async () => {
    const writer = new DecisionLogWriter({ append: () => Promise.reject(new Error('down')), logger, maxPending: 2 });
    writer.record([taken(1), taken(2), taken(3)], call);
    expect(writer.stats()).toMatchObject({ dropped: 1, pending: 2 });
  });
});
