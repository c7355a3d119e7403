import { readFileSync } from 'node:fs';

/**
 * CPU time the whole machine has spent busy so far, summed over its cores, in microseconds (Linux
 * /proc/stat: user, nice, system, irq, softirq and steal; idle and I/O wait are not busy). Load
 * processes read it at the start and end of their measured window, so a comparison can say what
 * one operation cost every process on the machine together (service, database, load generator).
 */
export function machineBusyMicros(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // /proc/stat counts in USER_HZ ticks, 100 per second on Linux.
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 10_000;
}
