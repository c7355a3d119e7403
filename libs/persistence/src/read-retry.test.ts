import { describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { readRetryingLostConnections } from './connection-loss.js';

const lost = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('readRetryingLostConnections', () => {
  it('runs a read again when its connection was lost, and answers what the next one read', async () => {
    let calls = 0;
    const answer = await readRetryingLostConnections(async () => {
      calls += 1;
      if (calls < 3) throw lost();
      return 'rows';
    });
    expect([answer, calls]).toEqual(['rows', 3]);
  });

  it('answers unavailable (retryable) when every attempt lost its connection', async () => {
    let calls = 0;
    const error = await readRetryingLostConnections(async () => {
      calls += 1;
      throw lost();
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ type: 'unavailable', reason: 'UNAVAILABLE' });
    expect(calls).toBe(5);
  });

  it('does not run a read again for any other error', async () => {
    let calls = 0;
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    await expect(
      readRetryingLostConnections(async () => {
        calls += 1;
        throw syntax;
      }),
    ).rejects.toBe(syntax);
    expect(calls).toBe(1);
  });
});
