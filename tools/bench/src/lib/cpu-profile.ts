import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a V8 CPU profile (node --cpu-prof) spent its busy time, by the file each sample was in. */
export function busyTimeByFile(path: string): { busyMs: number; byFile: Map<string, number> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFile = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const micros = profile.timeDeltas[i] ?? 0;
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
