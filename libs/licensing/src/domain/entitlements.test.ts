import { describe, expect, it } from 'vitest';
import type { EntitlementSnapshotRecord } from '@acme/licensing-data-access';
import { AccountEntitlements } from './entitlements.js';

const catalog = [{ id: 'goto_meeting', features: ['hd_video', 'cloud_recording'] }] as unknown as ConstructorParameters<
  typeof AccountEntitlements
>[1];
const snapshot = (over: Partial<EntitlementSnapshotRecord> = {}): EntitlementSnapshotRecord => ({
  accountId: 'acct_a',
  suspended: false,
  sequence: 7,
  users: [
    { id: 'usr_on', active: true },
    { id: 'usr_off', active: false },
  ],
  licenses: [{ userId: 'usr_on', productId: 'goto_meeting', features: { hd_video: false } }],
  ...over,
});
const meeting = (feature = '') => ({ productId: 'goto_meeting', feature });

describe('AccountEntitlements', () => {
  it('answers each reason, the first that applies', () => {
    const e = new AccountEntitlements(snapshot(), catalog);
    expect(e.check('usr_on', meeting())).toEqual({ entitled: true, reason: 'licensed' });
    expect(e.check('usr_on', meeting('hd_video'))).toEqual({ entitled: false, reason: 'feature_off' });
    expect(e.check('usr_off', meeting())).toEqual({ entitled: false, reason: 'user_deactivated' });
    expect(e.check('usr_gone', meeting())).toEqual({ entitled: false, reason: 'unknown_user' });
    expect(e.check('usr_on', { productId: 'zendesk_chat', feature: '' }).reason).toBe('no_license');
    const suspended = new AccountEntitlements(snapshot({ suspended: true }), catalog);
    for (const user of ['usr_on', 'usr_off', 'usr_gone'])
      expect(suspended.check(user, meeting())).toEqual({ entitled: false, reason: 'account_suspended' });
  });

  it('a feature the license has no toggle for takes the default: on', () => {
    const e = new AccountEntitlements(snapshot(), catalog);
    expect(e.check('usr_on', meeting('cloud_recording'))).toEqual({ entitled: true, reason: 'licensed' });
  });

  it('weighs more as the account grows', () => {
    const small = new AccountEntitlements(snapshot(), catalog).weight;
    const users = Array.from({ length: 100 }, (_, i) => ({ id: `usr_${i}`, active: true }));
    expect(new AccountEntitlements(snapshot({ users }), catalog).weight).toBeGreaterThan(small + 100 * 40);
  });
});
