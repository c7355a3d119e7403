import { describe, expect, it } from 'vitest';
import { Sessions } from './sessions.js';

const person = { token: 't', name: 'Ada', subject: 'usr_a', accountId: 'acct_a', operator: false };

describe('sessions', () => {
  it('are unguessable ids that end after 8 hours, and sign-ins clear the expired ones', () => {
    let now = 0;
    const sessions = new Sessions(() => now);
    const first = sessions.open(person);
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(sessions.get(first)).toMatchObject(person);
    now = 8 * 60 * 60 * 1000 - 1;
    expect(sessions.get(first)).not.toBeNull();
    now += 1;
    expect(sessions.get(first)).toBeNull();
    const second = sessions.open(person);
    expect(second).not.toBe(first);
    sessions.close(second);
    expect(sessions.get(second)).toBeNull();
    expect(sessions.get(undefined)).toBeNull();
  });
});
