import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { machineBusyMicros } from './machine-cpu.js';

describe('machineBusyMicros', () => {
  it('counts at least the CPU this process spins, and no more than every core for the wall time', () => {
    const before = machineBusyMicros();
    const started = performance.now();
    while (performance.now() - started < 300) {
      // spin: one core busy for 300 ms
    }
    const wallMicros = (performance.now() - started) * 1000;
    const busy = machineBusyMicros() - before;
    // Ticks are 10 ms: allow two of them below the spin; other processes only add to it.
    expect(busy).toBeGreaterThanOrEqual(wallMicros - 20_000);
    expect(busy).toBeLessThanOrEqual(wallMicros * availableParallelism() + 20_000);
  });
});
