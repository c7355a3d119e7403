import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  /** What it wrote to stderr so far (for failure messages). */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a TypeScript entry point as its own Node process (node with the tsx loader: the tsx
 * command would be a wrapper process, and CPU and memory figures must be the real process's).
 */
export function startNode(
  entry: string,
  env: Record<string, string>,
  options: { stdout?: 'ignore' | 'inherit' | 'pipe'; nodeArgs?: string[]; args?: string[] } = {},
): NodeProcess {
  return spawnNode(
    [...(options.nodeArgs ?? []), '--import', 'tsx', entry, ...(options.args ?? [])],
    env,
    options.stdout,
  );
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  stdout: 'ignore' | 'inherit' | 'pipe' = 'ignore',
): NodeProcess {
  const child = spawn(NODE, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

let built: Promise<void> | null = null;

/** `npm run build` once per benchmark process: the apps run as deployed, as bundled JavaScript. */
function ensureBuilt(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const build = spawn(NODE, ['tools/scripts/build-apps.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${code})`))));
  });
  return built;
}

type App = 'licensing-service' | 'billing-consumer' | 'billing-api' | 'billing-cli';

/**
 * The V8 memory flags the README's deployment section gives each app. Without a bound on the
 * young generation, V8 grows it to tens of MiB under a high allocation rate (a consumer decoding
 * thousands of events a second) and the process's RSS doubles, though little of it is live. The
 * service's old generation grows by a fixed factor of 2 between full collections instead of V8's
 * up to 4, which keeps its RSS flat under a steady load (docs/benchmarks.md, Memory).
 */
export const APP_NODE_FLAGS: Record<App, string[]> = {
  'licensing-service': ['--max-semi-space-size=8', '--heap-growing-percent=100'],
  'billing-consumer': ['--max-semi-space-size=8', '--max-old-space-size=128'],
  'billing-api': ['--max-semi-space-size=8', '--max-old-space-size=128'],
  'billing-cli': ['--max-semi-space-size=8', '--max-old-space-size=128'],
};

/**
 * An app's node flags: its deployment flags, or, to measure other ones, what
 * BENCH_NODE_FLAGS_<APP> says (e.g. BENCH_NODE_FLAGS_LICENSING_SERVICE="--max-semi-space-size=16").
 */
export function appNodeFlags(name: App): string[] {
  const override = process.env[`BENCH_NODE_FLAGS_${name.toUpperCase().replaceAll('-', '_')}`];
  return override === undefined ? APP_NODE_FLAGS[name] : override.split(/\s+/).filter(Boolean);
}

/** Starts a built app (dist/<name>.mjs) as its own process, with its node flags (appNodeFlags). */
export async function startApp(
  name: App,
  env: Record<string, string>,
  options: { stdout?: 'ignore' | 'inherit' | 'pipe'; nodeArgs?: string[]; args?: string[] } = {},
): Promise<NodeProcess> {
  await ensureBuilt();
  return spawnNode(
    [...appNodeFlags(name), ...(options.nodeArgs ?? []), `dist/${name}.mjs`, ...(options.args ?? [])],
    env,
    options.stdout,
  );
}

/** User plus system CPU time a process has used so far, in microseconds (Linux /proc). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted from after the command name: indexes 11, 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Polls until `check` resolves true, or fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}
