import { startNode } from './processes.js';

/** Runs a load generator script as its own process and returns the JSON line it prints. */
export async function runLoad<T>(script: string, env: Record<string, string>): Promise<T> {
  const child = startNode(`tools/bench/src/load/${script}`, env, { stdout: 'pipe' });
  let stdout = '';
  child.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${child.stderr()}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}
