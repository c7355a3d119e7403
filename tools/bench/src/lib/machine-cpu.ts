import { readFileSync } from 'node:fs';

/**
 * CPU time the whole machine has spent busy so far, summed over its cores, in microseconds (Linux
 * /proc/stat: user, nice, system, irq, softirq and steal; idle and I/O wait are not busy). Load
 * processes read it at the start and end of their measured window, so a comparison can say what
 * one operation cost every process on the machine together (service, database, load generator).
 */
export function machineBusyMicros(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // /proc/stat counts in USER_HZ ticks, 100 per second on Linux.
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 10_000;
}

/** What a load process's measured window cost: the whole machine's busy CPU, and its own. */
export interface CpuWindow {
  machineBusyMicros: number;
  ownCpuMicros: number;
}

/**
 * Starts a measured window; the function returned gives what the machine and this process spent
 * since. The load generator's own share tells how much of the machine's CPU per operation went to
 * the caller rather than to the thing measured.
 */
export function cpuWindow(): () => CpuWindow {
  const machineBefore = machineBusyMicros();
  const ownBefore = process.cpuUsage();
  return () => {
    const own = process.cpuUsage(ownBefore);
    return { machineBusyMicros: machineBusyMicros() - machineBefore, ownCpuMicros: own.user + own.system };
  };
}
