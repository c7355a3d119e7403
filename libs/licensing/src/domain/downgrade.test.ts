import { describe, expect, it } from 'vitest';
import { selectDowngrades } from './downgrade.js';

const holders = [
  { userId: 'usr_z', displayName: 'Zoe', assignedAt: '2026-01-01T00:00:00Z' },
  { userId: 'usr_a', displayName: 'Adam', assignedAt: '2026-03-01T00:00:00Z' },
  { userId: 'usr_m', displayName: 'Mia', assignedAt: '2026-02-01T00:00:00Z' },
];

describe('selectDowngrades', () => {
  it('takes the most recently added first by default', () => {
    expect(selectDowngrades(holders, 2, 'most_recent_first')).toEqual(['usr_a', 'usr_m']);
  });
  it('takes names in alphabetical order when asked', () => {
    expect(selectDowngrades(holders, 2, 'alphabetical')).toEqual(['usr_a', 'usr_m']);
    expect(selectDowngrades(holders, 3, 'alphabetical')).toEqual(['usr_a', 'usr_m', 'usr_z']);
  });
  it('takes exactly the named holders, ignoring names that hold no seat', () => {
    expect(selectDowngrades(holders, 1, 'explicit', ['usr_ghost', 'usr_z'])).toEqual(['usr_z']);
  });
  it('selects nobody when nothing is over', () => {
    expect(selectDowngrades(holders, 0, 'most_recent_first')).toEqual([]);
  });

  // The selections the rule cases of seat-limits/downgrade-on-reduction-below-usage asserted while
  // selection lived in the rules engine, on the reduce_seats example's holders.
  const example = [
    { userId: 'usr_a', displayName: 'Ana', assignedAt: '2026-01-01T00:00:00Z' },
    { userId: 'usr_b', displayName: 'Bea', assignedAt: '2026-02-01T00:00:00Z' },
    { userId: 'usr_c', displayName: 'Cal', assignedAt: '2026-03-01T00:00:00Z' },
  ];
  it('reducing 3 used seats to 1 downgrades the two most recent users', () => {
    expect(selectDowngrades(example, 2, 'most_recent_first')).toEqual(['usr_c', 'usr_b']);
  });
  it('alphabetical order downgrades the first names', () => {
    expect(selectDowngrades(example, 1, 'alphabetical')).toEqual(['usr_a']);
  });
  it('an explicit list downgrades exactly those users', () => {
    expect(selectDowngrades(example, 1, 'explicit', ['usr_b'])).toEqual(['usr_b']);
  });
});
