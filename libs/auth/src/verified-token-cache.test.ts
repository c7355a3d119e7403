import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const principal = (subject: string): Principal => ({
  subject,
  kind: 'user',
  accountId: 'acct_1',
  roles: [],
  permissions: [],
  scopes: [],
  tokenId: null,
});

describe('VerifiedTokenCache', () => {
  it('answers for a token until it expires, and never after', () => {
    let now = 1_000;
    const cache = new VerifiedTokenCache(10, () => now);
    cache.set('t1', principal('usr_1'), 2_000);
    expect(cache.get('t1')?.subject).toBe('usr_1');
    now = 2_000;
    expect(cache.get('t1')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not keep a token that has already expired', () => {
    const cache = new VerifiedTokenCache(10, () => 5_000);
    cache.set('old', principal('usr_1'), 5_000);
    expect(cache.get('old')).toBeNull();
  });

  it('keys by the exact token: another string is another token', () => {
    const cache = new VerifiedTokenCache(10, () => 0);
    cache.set('header.payload.signature', principal('usr_1'), 10);
    expect(cache.get('header.payload.signaturX')).toBeNull();
    expect(cache.get('header.payload.signature ')).toBeNull();
  });

  it('forgets the least recently used token when full', () => {
    const cache = new VerifiedTokenCache(2, () => 0);
    cache.set('a', principal('a'), 10);
    cache.set('b', principal('b'), 10);
    cache.get('a');
    cache.set('c', principal('c'), 10);
    expect(cache.get('b')).toBeNull();
    expect(cache.get('a')?.subject).toBe('a');
    expect(cache.get('c')?.subject).toBe('c');
  });
});
