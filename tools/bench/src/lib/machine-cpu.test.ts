import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuWindow, machineBusyMicros } from './machine-cpu.js';

/** Keeps one core busy for `ms`; returns the wall time it took, in microseconds. */
function spin(ms: number): number {
  const started = performance.now();
  while (performance.now() - started < ms) {
    // busy
  }
  return (performance.now() - started) * 1000;
}

describe('machineBusyMicros', () => {
  it('counts at least the CPU this process spins, and no more than every core for the wall time', () => {
    const before = machineBusyMicros();
    const wallMicros = spin(300);
    const busy = machineBusyMicros() - before;
    // Ticks are 10 ms: allow two of them below the spin; other processes only add to it.
    expect(busy).toBeGreaterThanOrEqual(wallMicros - 20_000);
    expect(busy).toBeLessThanOrEqual(wallMicros * availableParallelism() + 20_000);
  });
});

describe('cpuWindow', () => {
  it("gives this process's own CPU over the window, within what the whole machine spent", () => {
    const window = cpuWindow();
    const started = process.cpuUsage();
    // Spin until this process has used 300 ms of CPU, however often it was preempted meanwhile.
    while (process.cpuUsage(started).user + process.cpuUsage(started).system < 300_000) {
      // busy
    }
    const { machineBusyMicros: machine, ownCpuMicros: own } = window();
    expect(own).toBeGreaterThanOrEqual(300_000);
    expect(own).toBeLessThan(400_000);
    // Ticks of /proc/stat are 10 ms: allow two of them.
    expect(own).toBeLessThanOrEqual(machine + 20_000);
  });
});
