import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Now on the clock of V8 profiles (CLOCK_MONOTONIC, as process.hrtime), in microseconds: to give busyTimeByFile a window. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Where a V8 CPU profile (node --cpu-prof) spent its busy time, by the file each sample was in;
 * with `window` (monotonicMicros() of another process on this machine), only the samples taken in it.
 */
export function busyTimeByFile(
  path: string,
  window?: { from: number; to: number },
): { busyMs: number; byFile: Map<string, number> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFile = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    at += micros;
    if (window && (at < window.from || at > window.to)) return;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    busy += micros;
    const file = frame.url || `(${frame.functionName || 'native'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + micros / 1000);
  });
  return { busyMs: busy / 1000, byFile };
}

/** Share of busy time spent in files matching `pattern`. */
export function busyShare(profile: { busyMs: number; byFile: Map<string, number> }, pattern: RegExp): number {
  let ms = 0;
  for (const [file, t] of profile.byFile) if (pattern.test(file)) ms += t;
  return ms / profile.busyMs;
}

/**
 * Busy time by group: each file (or native frame) goes to the first group whose pattern matches
 * it (`file://` left off), the rest to `other`; largest first.
 */
export function busyByGroup(
  profile: { busyMs: number; byFile: Map<string, number> },
  groups: [string, RegExp][],
  other = 'other packages',
): { group: string; ms: number; share: number }[] {
  const byGroup = new Map<string, number>();
  for (const [file, ms] of profile.byFile) {
    const group = groups.find(([, pattern]) => pattern.test(file.replace(/^file:\/\//, '')))?.[0] ?? other;
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms);
  }
  return [...byGroup].sort((a, b) => b[1] - a[1]).map(([group, ms]) => ({ group, ms, share: ms / profile.busyMs }));
}
